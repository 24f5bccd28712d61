package ai.spikelm.spark;

import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.eval.glue.GlueEvaluator;
import ai.spikelm.zoo.eval.glue.GlueExample;
import ai.spikelm.zoo.eval.glue.GlueTask;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Which fine-tuned GLUE classifier a job scores and how, as a small serialisable value that
 * travels with the tasks to the executors, where {@link ExecutorEncoders} loads the model it names
 * once per JVM.
 *
 * <pre>{@code
 * ClassifierSpec spec = ClassifierSpec.builder()
 *         .setModel("runs/sst2/best")     // a `spikelm glue --out DIR` checkpoint: DIR/best
 *         .setTask(GlueTask.SST2)
 *         .build();
 * }</pre>
 *
 * <p>Every executor must see the same model: a path on a shared file system, or a Hub id each
 * executor resolves through its Hugging Face cache.
 *
 * @param model a Hugging Face-layout directory of a sequence classifier, or a Hub id
 * @param task the GLUE task the classifier was fine-tuned on
 * @param timeSteps the spiking time steps T to run at, or null to keep the model's own setting
 * @param ann whether to run as a plain ANN (no spikes), whatever the model's setting
 * @param batchSize examples per forward pass (as {@code spikelm glue --batch-size})
 * @param maxLength tokens per example (as {@code spikelm glue --max-length})
 * @param calibration the examples whose first batch calibrates a model with uncalibrated spike
 *     sites (an ANN run at some T), on every executor alike: the batch a single-process
 *     evaluation calibrates on; empty to let {@link GlueJob} take its own first batch
 * @serial exclude (travels between JVMs of one job only, not a stored format)
 */
public record ClassifierSpec(
        String model,
        GlueTask task,
        Integer timeSteps,
        boolean ann,
        int batchSize,
        int maxLength,
        List<GlueExample> calibration)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Tokens per example unless set, {@code spikelm glue}'s default. */
    public static final int DEFAULT_MAX_LENGTH = 128;

    /**
     * Checks the settings and freezes the calibration list.
     *
     * @param model the model directory or Hub id
     * @param task the task
     * @param timeSteps T, or null for the model's own setting
     * @param ann whether to run as a plain ANN
     * @param batchSize examples per forward pass
     * @param maxLength tokens per example
     * @param calibration the calibration examples (only the first batch is used), possibly empty
     * @throws IllegalArgumentException if the model or task is missing, both {@code ann} and
     *     {@code timeSteps} are given, or a number is out of range
     */
    public ClassifierSpec {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("a classifier spec needs a model (a fine-tuned classifier's directory)");
        }
        Objects.requireNonNull(task, "task");
        if (ann && timeSteps != null) {
            throw new IllegalArgumentException("Give either ann or timeSteps, not both");
        }
        if (timeSteps != null && timeSteps < 1) {
            throw new IllegalArgumentException("timeSteps must be at least 1, got " + timeSteps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
        }
        // Only the first batch calibrates: keep no more to ship to every task.
        calibration = List.copyOf(calibration.subList(0, Math.min(batchSize, calibration.size())));
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
     * Returns a builder with this spec's settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder()
                .setModel(model)
                .setTask(task)
                .optTimeSteps(timeSteps)
                .optAnn(ann)
                .optBatchSize(batchSize)
                .optMaxLength(maxLength)
                .optCalibration(calibration);
    }

    /**
     * Maps the model's saved SpikeLM settings to the ones this spec asks for.
     *
     * @param saved the model's own settings
     * @return {@code saved}, the ANN, or the settings at {@link #timeSteps()}
     */
    public SpikingConfig spiking(SpikingConfig saved) {
        return Retiming.apply(saved, ann, timeSteps);
    }

    /**
     * Returns the spiking settings as this spec asks for them, for output.
     *
     * @return {@code ANN}, {@code SpikeLM T=4} or {@code as saved}
     */
    public String describeSpiking() {
        return Retiming.describe(ann, timeSteps);
    }

    /** Builds a {@link ClassifierSpec}. */
    public static final class Builder {
        private String model;
        private GlueTask task;
        private Integer timeSteps;
        private boolean ann;
        private int batchSize = GlueEvaluator.DEFAULT_BATCH_SIZE;
        private int maxLength = DEFAULT_MAX_LENGTH;
        private List<GlueExample> calibration = List.of();

        Builder() {}

        /**
         * Sets the model (required).
         *
         * @param model a sequence classifier's Hugging Face-layout directory, or a Hub id
         * @return this builder
         */
        public Builder setModel(String model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the task (required).
         *
         * @param task the GLUE task
         * @return this builder
         */
        public Builder setTask(GlueTask task) {
            this.task = task;
            return this;
        }

        /**
         * Sets the time steps T (default: the model's own setting).
         *
         * @param timeSteps T, or null to keep the model's setting
         * @return this builder
         */
        public Builder optTimeSteps(Integer timeSteps) {
            this.timeSteps = timeSteps;
            return this;
        }

        /**
         * Sets whether the model runs as a plain ANN (default false).
         *
         * @param ann whether to drop the spikes
         * @return this builder
         */
        public Builder optAnn(boolean ann) {
            this.ann = ann;
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
         * Sets the tokens per example (default {@value ClassifierSpec#DEFAULT_MAX_LENGTH}).
         *
         * @param maxLength at least 2
         * @return this builder
         */
        public Builder optMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Sets the examples whose first batch calibrates uncalibrated spike sites (default: none,
         * {@link GlueJob} then takes the first batch of the examples it scores).
         *
         * @param calibration the examples; only the first batch is kept
         * @return this builder
         */
        public Builder optCalibration(List<GlueExample> calibration) {
            this.calibration = Objects.requireNonNull(calibration, "calibration");
            return this;
        }

        /**
         * Builds the spec.
         *
         * @return the spec
         * @throws IllegalArgumentException if the settings are missing, inconsistent or out of range
         */
        public ClassifierSpec build() {
            return new ClassifierSpec(model, task, timeSteps, ann, batchSize, maxLength, calibration);
        }
    }
}
