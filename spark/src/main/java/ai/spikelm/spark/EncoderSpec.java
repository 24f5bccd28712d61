package ai.spikelm.spark;

import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.text.EncoderPipeline;
import ai.spikelm.zoo.text.LongInputPolicy;
import java.io.Serializable;
import java.util.Objects;

/**
 * Which encoder a job runs and how, as a small serialisable value that travels with the tasks to
 * the executors, where {@link ExecutorEncoders} loads the model it names once per JVM.
 *
 * <pre>{@code
 * EncoderSpec spec = EncoderSpec.builder()
 *         .optModel("runs/minilm-t4/best")   // default: the embedded all-MiniLM-L6-v2
 *         .optTimeSteps(4)                   // convert an ANN to SpikeLM (or re-time a SpikeLM)
 *         .optBatchSize(32)
 *         .build();
 * }</pre>
 *
 * <p>Every executor must see the same model: a path on a shared file system, or a Hub id each
 * executor resolves through its Hugging Face cache.
 *
 * @param model a Hugging Face-layout directory or Hub id {@code org/name[@revision]}, or null for
 *     the embedded all-MiniLM-L6-v2
 * @param timeSteps the spiking time steps T to run at, or null to keep the model's own setting
 * @param ann whether to run as a plain ANN (no spikes), whatever the model's setting
 * @param pooling the sentence pooling
 * @param maxLength the window in tokens, or null for the model's positions
 * @param longInputs what happens to texts longer than the window
 * @param batchSize how many texts (windows) go through the model at once
 * @param maxBatchTokens the most rows × padded length of one forward pass
 * @param measureEnergy whether to count spikes and operations (firing rate and energy per row)
 * @serial exclude (travels between JVMs of one job only, not a stored format)
 */
public record EncoderSpec(
        String model,
        Integer timeSteps,
        boolean ann,
        Pooling pooling,
        Integer maxLength,
        LongInputPolicy longInputs,
        int batchSize,
        int maxBatchTokens,
        boolean measureEnergy)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How the embedded model is named in output. */
    public static final String EMBEDDED_NAME = EmbeddedMiniLm.NAME + " (embedded)";

    /**
     * Checks the settings.
     *
     * @param model the model directory or Hub id, or null for the embedded model
     * @param timeSteps T, or null for the model's own setting
     * @param ann whether to run as a plain ANN
     * @param pooling the pooling
     * @param maxLength the window, or null for the model's positions
     * @param longInputs the long-input policy
     * @param batchSize texts (windows) per forward pass
     * @param maxBatchTokens rows × padded length per forward pass, at most
     * @param measureEnergy whether to count spikes and operations
     * @throws IllegalArgumentException if both {@code ann} and {@code timeSteps} are given, or a
     *     number is out of range
     */
    public EncoderSpec {
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(longInputs, "longInputs");
        if (ann && timeSteps != null) {
            throw new IllegalArgumentException("Give either ann or timeSteps, not both");
        }
        if (timeSteps != null && timeSteps < 1) {
            throw new IllegalArgumentException("timeSteps must be at least 1, got " + timeSteps);
        }
        if (maxLength != null && maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (maxBatchTokens < 1) {
            throw new IllegalArgumentException("maxBatchTokens must be at least 1, got " + maxBatchTokens);
        }
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
                .optModel(model)
                .optTimeSteps(timeSteps)
                .optAnn(ann)
                .optPooling(pooling)
                .optMaxLength(maxLength)
                .optLongInputs(longInputs)
                .optBatchSize(batchSize)
                .optMaxBatchTokens(maxBatchTokens)
                .optMeasureEnergy(measureEnergy);
    }

    /**
     * Maps the model's saved SpikeLM settings to the ones this spec asks for.
     *
     * @param saved the model's own settings ({@link SpikingConfig#ANN} for a plain encoder)
     * @return {@code saved}, the ANN, or the settings at {@link #timeSteps()} (a plain encoder is
     *     converted with the default settings)
     */
    public SpikingConfig spiking(SpikingConfig saved) {
        return Retiming.apply(saved, ann, timeSteps);
    }

    /**
     * Returns how many texts one measured group holds: the texts the pipeline sorts by length and
     * runs together ({@link EncoderPipeline#SORT_BATCHES} batches).
     *
     * @return the group size
     */
    public int groupSize() {
        return batchSize * EncoderPipeline.SORT_BATCHES;
    }

    /**
     * Returns how the model is named in output.
     *
     * @return the model path or id, or the embedded model's name
     */
    public String modelName() {
        return model == null ? EMBEDDED_NAME : model;
    }

    /**
     * Returns the spiking settings as this spec asks for them, for output (the executors know the
     * model's own).
     *
     * @return {@code ANN} (asked for, or the embedded model as it is), {@code SpikeLM T=4} or {@code
     *     as saved}
     */
    public String describeSpiking() {
        return Retiming.describe(ann || (model == null && timeSteps == null), timeSteps);
    }

    /** Builds an {@link EncoderSpec}. */
    public static final class Builder {
        private String model;
        private Integer timeSteps;
        private boolean ann;
        private Pooling pooling = Pooling.MEAN;
        private Integer maxLength;
        private LongInputPolicy longInputs = LongInputPolicy.TRUNCATE;
        private int batchSize = 32;
        private int maxBatchTokens = EncoderPipeline.DEFAULT_MAX_BATCH_TOKENS;
        private boolean measureEnergy = true;

        Builder() {}

        /**
         * Sets the model (default: the embedded all-MiniLM-L6-v2).
         *
         * @param model a Hugging Face-layout directory or Hub id, or null for the embedded model
         * @return this builder
         */
        public Builder optModel(String model) {
            this.model = model;
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
         * Sets the pooling (default {@link Pooling#MEAN}).
         *
         * @param pooling the pooling
         * @return this builder
         */
        public Builder optPooling(Pooling pooling) {
            this.pooling = pooling;
            return this;
        }

        /**
         * Sets the window in tokens (default: the model's positions).
         *
         * @param maxLength tokens, at least 2, or null for the model's positions
         * @return this builder
         */
        public Builder optMaxLength(Integer maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Sets what happens to texts longer than the window (default {@link LongInputPolicy#TRUNCATE}).
         *
         * @param longInputs the policy
         * @return this builder
         */
        public Builder optLongInputs(LongInputPolicy longInputs) {
            this.longInputs = longInputs;
            return this;
        }

        /**
         * Sets how many texts (windows) go through the model at once (default 32).
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the most rows × padded length one forward pass may take (default {@value
         * EncoderPipeline#DEFAULT_MAX_BATCH_TOKENS}).
         *
         * @param maxBatchTokens at least 1
         * @return this builder
         */
        public Builder optMaxBatchTokens(int maxBatchTokens) {
            this.maxBatchTokens = maxBatchTokens;
            return this;
        }

        /**
         * Sets whether spikes and operations are counted (default true). Counting takes spiking
         * neurons off their one-pass inference path, which costs time.
         *
         * @param measureEnergy whether to measure
         * @return this builder
         */
        public Builder optMeasureEnergy(boolean measureEnergy) {
            this.measureEnergy = measureEnergy;
            return this;
        }

        /**
         * Builds the spec.
         *
         * @return the spec
         * @throws IllegalArgumentException if the settings are inconsistent or out of range
         */
        public EncoderSpec build() {
            return new EncoderSpec(
                    model, timeSteps, ann, pooling, maxLength, longInputs, batchSize, maxBatchTokens, measureEnergy);
        }
    }
}
