package ai.spikelm.zoo.eval.glue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.spikelm.zoo.bert.PairEncoding;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.TokenizerFiles;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.family.SequenceClassifierModel;
import ai.spikelm.zoo.training.Predictions;
import ai.spikelm.zoo.training.TrainingBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Scores a fine-tuned GLUE sequence classifier on examples: the one evaluation path of {@code
 * spikelm glue} and of the Spark job, which runs {@link #logits} on slices of the examples and
 * {@link #scores} on the gathered logits.
 *
 * <pre>{@code
 * GlueEvaluator evaluator = GlueEvaluator.builder()
 *         .setModel(classifier)                       // a SequenceClassifierModel
 *         .setTask(GlueTask.SST2)
 *         .setTokenizer(GlueEvaluator.tokenizer(dir.resolve("tokenizer.json"), 128))
 *         .build();
 * GlueScores scores = evaluator.evaluate(dev.examples());
 * }</pre>
 *
 * <p>The examples go through the model in order, in batches of {@link #batchSize()}: a batch's
 * padding depends on its members, and a spiking model's output on the exact floats, so a
 * distributed run that gives each worker whole batches of the same cut ({@link #batchStarts})
 * reproduces the single-process logits bit for bit. A model with uncalibrated spike sites (an ANN
 * run at some T) is calibrated once, on the first batch of the first call, or explicitly with
 * {@link #calibrate}.
 *
 * <p>Not thread-safe: one evaluator (and one model) per thread at a time.
 */
public final class GlueEvaluator {

    /** Examples per forward pass unless set: the paper's batch size, {@code spikelm glue}'s default. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final TrainableModel model;
    private final GlueTask task;
    private final HuggingFaceTokenizer tokenizer;
    private final int batchSize;
    private final PairEncoding pairs;

    private GlueEvaluator(Builder b) {
        this.model = b.model;
        this.task = b.task;
        this.tokenizer = b.tokenizer;
        this.batchSize = b.batchSize;
        this.pairs = b.model instanceof SpikeBertPreTrainedModel bert ? bert.getConfig().pairEncoding() : PairEncoding.CROSS;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads a classifier's tokenizer as GLUE evaluation reads examples: truncated to {@code
     * maxLength} tokens, each batch padded to its longest example only.
     *
     * @param file the {@code tokenizer.json}
     * @param maxLength tokens per example (per sentence of a siamese pair), special tokens included
     * @return the tokenizer; close it when done
     * @throws IOException if the file cannot be read
     */
    public static HuggingFaceTokenizer tokenizer(Path file, int maxLength) throws IOException {
        return TokenizerFiles.load(file, b -> b.optMaxLength(maxLength).optTruncation(true).optPadding(false));
    }

    /**
     * Returns the task.
     *
     * @return the task the model is scored on
     */
    public GlueTask task() {
        return task;
    }

    /**
     * Returns the batch size.
     *
     * @return examples per forward pass
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Returns how the model reads sentence pairs (its config's {@code pair_encoding}).
     *
     * @return cross or siamese
     */
    public PairEncoding pairEncoding() {
        return pairs;
    }

    /**
     * Tokenizes examples, in order, into the batches this evaluator runs.
     *
     * @param examples the examples
     * @return batches of {@link #batchSize()} examples, the last possibly shorter
     */
    public List<TrainingBatch> batches(List<GlueExample> examples) {
        return GlueBatches.inOrder(examples, task, tokenizer, batchSize, pairs);
    }

    /**
     * Calibrates the model's uncalibrated spike sites on the first batch of {@code examples}; does
     * nothing for an ANN or a calibrated SpikeLM.
     *
     * @param examples the examples whose first batch calibrates (the first batch a single-process
     *     evaluation would run)
     * @return whether anything was calibrated
     */
    public boolean calibrate(List<GlueExample> examples) {
        if (examples.isEmpty() || !Calibration.needed(model)) {
            return false;
        }
        return !Calibration.calibrate(model, batches(examples.subList(0, Math.min(batchSize, examples.size()))).get(0).inputs())
                .isEmpty();
    }

    /**
     * Runs the model over examples and returns its raw outputs, calibrating it first on their first
     * batch if it needs it.
     *
     * @param examples the examples (labels are not read)
     * @return one row per example, in order: the class logits, or one predicted score for STS-B
     */
    public float[][] logits(List<GlueExample> examples) {
        if (examples.isEmpty()) {
            return new float[0][];
        }
        calibrate(examples);
        return Predictions.logits(model, batches(examples));
    }

    /**
     * Runs the model over labelled examples and scores its predictions.
     *
     * @param examples labelled examples of the task
     * @return the task's metrics
     * @throws IllegalArgumentException if there are no examples or one has no gold value
     */
    public GlueScores evaluate(List<GlueExample> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no " + task + " examples to evaluate");
        }
        return scores(task, logits(examples), examples);
    }

    /**
     * Scores a classifier's outputs against the examples' gold values: the predicted class is the
     * highest logit (the first on ties), the predicted STS-B score the one output.
     *
     * @param task the task
     * @param logits one row per example, as {@link #logits} returns them
     * @param examples the labelled examples, in the same order
     * @return the task's metrics
     * @throws IllegalArgumentException if the counts differ, a row has the wrong width, or an
     *     example has no gold value
     */
    public static GlueScores scores(GlueTask task, float[][] logits, List<GlueExample> examples) {
        if (logits.length != examples.size()) {
            throw new IllegalArgumentException(logits.length + " outputs for " + examples.size() + " examples");
        }
        int width = task.isRegression() ? 1 : task.labels().size();
        for (int i = 0; i < logits.length; i++) {
            if (logits[i].length != width) {
                throw new IllegalArgumentException(task + " needs " + width + " output(s) per example, got "
                        + logits[i].length + " for example " + i);
            }
            if (!examples.get(i).isLabelled()) {
                throw new IllegalArgumentException("example " + examples.get(i).guid() + " has no gold value to score against");
            }
        }
        if (task.isRegression()) {
            double[] predicted = new double[logits.length];
            double[] gold = new double[logits.length];
            for (int i = 0; i < logits.length; i++) {
                predicted[i] = logits[i][0];
                gold[i] = examples.get(i).score();
            }
            return GlueScores.ofRegression(task, predicted, gold);
        }
        int[] predicted = new int[logits.length];
        int[] gold = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            predicted[i] = argmax(logits[i]);
            gold[i] = examples.get(i).label();
        }
        return GlueScores.ofClassification(task, predicted, gold);
    }

    /**
     * Returns the index of the highest value, the first on ties.
     *
     * @param logits at least one value
     * @return the predicted class index
     */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int c = 1; c < logits.length; c++) {
            if (logits[c] > logits[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Cuts {@code size} examples into at most {@code parts} contiguous slices of whole batches, as
     * even as whole batches allow, so that workers scoring one slice each run the batches a
     * single-process evaluation runs.
     *
     * @param size the number of examples
     * @param batchSize examples per batch
     * @param parts the most slices wanted
     * @return the first example index of each slice, ascending, then {@code size}; {@code [0, 0]}
     *     for no examples
     * @throws IllegalArgumentException if a count is out of range
     */
    public static int[] batchStarts(int size, int batchSize, int parts) {
        if (size < 0 || batchSize < 1 || parts < 1) {
            throw new IllegalArgumentException("need size >= 0, batchSize >= 1, parts >= 1; got " + size + ", " + batchSize + ", " + parts);
        }
        int batches = (size + batchSize - 1) / batchSize;
        int slices = Math.max(1, Math.min(parts, batches));
        int[] starts = new int[slices + 1];
        for (int s = 0; s <= slices; s++) {
            starts[s] = (int) Math.min(size, (long) batches * s / slices * batchSize);
        }
        return starts;
    }

    /** Builds a {@link GlueEvaluator}. */
    public static final class Builder {
        private TrainableModel model;
        private GlueTask task;
        private HuggingFaceTokenizer tokenizer;
        private int batchSize = DEFAULT_BATCH_SIZE;

        Builder() {}

        /**
         * Sets the classifier (required): a {@link SequenceClassifierModel} whose head fits the task.
         *
         * @param model the model
         * @return this builder
         */
        public Builder setModel(TrainableModel model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the task (required).
         *
         * @param task the task
         * @return this builder
         */
        public Builder setTask(GlueTask task) {
            this.task = task;
            return this;
        }

        /**
         * Sets the tokenizer (required), for example from {@link GlueEvaluator#tokenizer}.
         *
         * @param tokenizer the model's tokenizer, truncating; the caller closes it
         * @return this builder
         */
        public Builder setTokenizer(HuggingFaceTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /**
         * Sets the examples per forward pass (default {@value GlueEvaluator#DEFAULT_BATCH_SIZE}).
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Builds the evaluator.
         *
         * @return the evaluator
         * @throws IllegalArgumentException if a required setting is missing, the batch size is below
         *     1, or the model is not a sequence classifier whose head fits the task
         */
        public GlueEvaluator build() {
            Objects.requireNonNull(model, "setModel(...) is required");
            Objects.requireNonNull(task, "setTask(...) is required");
            Objects.requireNonNull(tokenizer, "setTokenizer(...) is required");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
            requireFits(model, task);
            GlueEvaluator evaluator = new GlueEvaluator(this);
            if (evaluator.pairs == PairEncoding.SIAMESE && !task.isPair()) {
                throw new IllegalArgumentException("the model reads pairs siamese, but " + task + " has single sentences");
            }
            return evaluator;
        }

        private static void requireFits(TrainableModel model, GlueTask task) {
            if (!(model instanceof SequenceClassifierModel classifier)) {
                throw new IllegalArgumentException("GLUE scoring needs a sequence classifier (BertForSequenceClassification), but the model is "
                        + model.architecture());
            }
            if (classifier.isRegression() != task.isRegression()) {
                throw new IllegalArgumentException("the model's head is " + (classifier.isRegression() ? "a regression" : "a classifier")
                        + ", but " + task + " is " + (task.isRegression() ? "a regression task" : "a classification task"));
            }
            int labels = classifier.id2label().size();
            if (!task.isRegression() && labels != 0 && labels != task.labels().size()) {
                throw new IllegalArgumentException("the model's head has " + labels + " labels " + classifier.id2label().values()
                        + ", but " + task + " has " + task.labels().size() + " " + task.labels());
            }
        }
    }
}
