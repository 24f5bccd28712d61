package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.EncodedBatch;
import java.util.Objects;

/**
 * One batch of training or evaluation data in host memory: the model inputs and, depending on the
 * objective, integer labels (classes, next-sentence labels) or real targets (regression).
 *
 * <p>Batches hold Java arrays, not engine arrays, so they can be kept, shuffled and replayed
 * freely; the trainer turns them into arrays in a manager that closes with the step.
 *
 * <p>An example is one sequence, or for a sentence-pair model that encodes each sentence on its
 * own ({@link ai.spikelm.zoo.bert.PairEncoding#SIAMESE}) two: such a batch ({@link
 * #sentencePairs}) holds the B first sentences and then the B second sentences, 2B sequences for
 * B labels.
 *
 * @param inputs the padded token ids, attention mask and token types
 * @param labels one integer label per example, or {@code null}
 * @param targets one real target per example, or {@code null}
 * @param sequencesPerExample 1, or 2 for sentence pairs encoded one sentence at a time
 */
public record TrainingBatch(EncodedBatch inputs, long[] labels, float[] targets, int sequencesPerExample) {

    /**
     * Checks the sizes.
     *
     * @param inputs the inputs
     * @param labels the labels or {@code null}
     * @param targets the targets or {@code null}
     * @param sequencesPerExample 1 or 2
     * @throws IllegalArgumentException if labels or targets do not have one entry per example
     */
    public TrainingBatch {
        Objects.requireNonNull(inputs, "inputs");
        if (sequencesPerExample != 1 && sequencesPerExample != 2) {
            throw new IllegalArgumentException("sequencesPerExample must be 1 or 2, got " + sequencesPerExample);
        }
        int rows = inputs.inputIds().length;
        if (rows % sequencesPerExample != 0) {
            throw new IllegalArgumentException(rows + " sequences do not make pairs");
        }
        int n = rows / sequencesPerExample;
        if (n == 0) {
            throw new IllegalArgumentException("A batch needs at least one example");
        }
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for " + n + " examples");
        }
        if (targets != null && targets.length != n) {
            throw new IllegalArgumentException(targets.length + " targets for " + n + " examples");
        }
    }

    /**
     * A batch for classification (or next-sentence prediction).
     *
     * @param inputs the inputs
     * @param labels the class ids
     * @return the batch
     */
    public static TrainingBatch classification(EncodedBatch inputs, long[] labels) {
        return new TrainingBatch(inputs, Objects.requireNonNull(labels, "labels"), null, 1);
    }

    /**
     * A batch of sentence pairs for a model that encodes each sentence on its own: the first
     * sentences and the second sentences as two batches of B sequences, joined into one of 2B
     * (padded to the longer), with integer labels or real targets.
     *
     * @param firsts the first sentence of each pair
     * @param seconds the second sentence of each pair, in the same order
     * @param labels B class ids, or {@code null} with targets
     * @param targets B regression targets, or {@code null} with labels
     * @return the batch
     * @throws IllegalArgumentException if the halves differ in size
     */
    public static TrainingBatch sentencePairs(EncodedBatch firsts, EncodedBatch seconds, long[] labels, float[] targets) {
        if (firsts.inputIds().length != seconds.inputIds().length) {
            throw new IllegalArgumentException(
                    firsts.inputIds().length + " first sentences but " + seconds.inputIds().length + " second ones");
        }
        return new TrainingBatch(EncodedBatch.concat(firsts, seconds), labels, targets, 2);
    }

    /**
     * A batch for regression.
     *
     * @param inputs the inputs
     * @param targets the targets
     * @return the batch
     */
    public static TrainingBatch regression(EncodedBatch inputs, float[] targets) {
        return new TrainingBatch(inputs, null, Objects.requireNonNull(targets, "targets"), 1);
    }

    /**
     * A batch without labels (masked-LM, distillation without a task loss).
     *
     * @param inputs the inputs
     * @return the batch
     */
    public static TrainingBatch unlabelled(EncodedBatch inputs) {
        return new TrainingBatch(inputs, null, null, 1);
    }

    /**
     * Returns the number of examples.
     *
     * @return the batch size
     */
    public int size() {
        return inputs.inputIds().length / sequencesPerExample;
    }

    /**
     * Creates the labels array.
     *
     * @param manager the manager that will own it
     * @return {@code [B]} INT64
     * @throws IllegalStateException if the batch has no labels
     */
    public NDArray labelArray(NDManager manager) {
        if (labels == null) {
            throw new IllegalStateException("This batch has no integer labels");
        }
        return manager.create(labels);
    }

    /**
     * Creates the targets array.
     *
     * @param manager the manager that will own it
     * @return {@code [B]} FLOAT32
     * @throws IllegalStateException if the batch has no targets
     */
    public NDArray targetArray(NDManager manager) {
        if (targets == null) {
            throw new IllegalStateException("This batch has no regression targets");
        }
        return manager.create(targets);
    }
}
