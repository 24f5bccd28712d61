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
 * @param inputs the padded token ids, attention mask and token types
 * @param labels one integer label per example, or {@code null}
 * @param targets one real target per example, or {@code null}
 */
public record TrainingBatch(EncodedBatch inputs, long[] labels, float[] targets) {

    /**
     * Checks the sizes.
     *
     * @param inputs the inputs
     * @param labels the labels or {@code null}
     * @param targets the targets or {@code null}
     * @throws IllegalArgumentException if labels or targets do not have one entry per example
     */
    public TrainingBatch {
        Objects.requireNonNull(inputs, "inputs");
        int n = inputs.inputIds().length;
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
        return new TrainingBatch(inputs, Objects.requireNonNull(labels, "labels"), null);
    }

    /**
     * A batch for regression.
     *
     * @param inputs the inputs
     * @param targets the targets
     * @return the batch
     */
    public static TrainingBatch regression(EncodedBatch inputs, float[] targets) {
        return new TrainingBatch(inputs, null, Objects.requireNonNull(targets, "targets"));
    }

    /**
     * A batch without labels (masked-LM, distillation without a task loss).
     *
     * @param inputs the inputs
     * @return the batch
     */
    public static TrainingBatch unlabelled(EncodedBatch inputs) {
        return new TrainingBatch(inputs, null, null);
    }

    /**
     * Returns the number of examples.
     *
     * @return the batch size
     */
    public int size() {
        return inputs.inputIds().length;
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
