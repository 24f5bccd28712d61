package ai.spikelm.zoo.family;

import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.ConfigJson;
import ai.spikelm.zoo.core.SpikingConfig;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What to load from a Hugging Face-layout directory, whatever the family: the directory, the kind or
 * architecture to build, the SpikeLM settings, whether {@code pytorch_model.bin} may be read, and
 * what uncalibrated spike sites are calibrated on before the model is returned.
 *
 * <pre>{@code
 * LoadRequest request = LoadRequest.builder()
 *         .setModelDir(dir)
 *         .optSpiking(saved -> SpikingConfig.builder().optTimeSteps(4).build())   // convert an ANN
 *         .build();
 * EncoderModel encoder = ModelFamilies.loadEncoder(request, manager);          // calibrated
 * }</pre>
 */
public final class LoadRequest {

    private final Path modelDir;
    private final ModelKind kind;
    private final String architecture;
    private final UnaryOperator<SpikingConfig> spiking;
    private final boolean allowPickle;
    private final CalibrationSet calibration;
    private final Path tokenizer;

    private LoadRequest(Builder b) {
        this.modelDir = b.modelDir;
        this.kind = b.kind;
        this.architecture = b.architecture;
        this.spiking = b.spiking;
        this.allowPickle = b.allowPickle;
        this.calibration = b.calibration;
        this.tokenizer = b.tokenizer;
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
     * Returns a builder with this request's settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.modelDir = modelDir;
        b.kind = kind;
        b.architecture = architecture;
        b.spiking = spiking;
        b.allowPickle = allowPickle;
        b.calibration = calibration;
        b.tokenizer = tokenizer;
        return b;
    }

    /**
     * Returns the model directory.
     *
     * @return the directory
     */
    public Path modelDir() {
        return modelDir;
    }

    /**
     * Returns the directory's {@code config.json}.
     *
     * @return the file
     */
    public Path configFile() {
        return modelDir.resolve(ConfigJson.FILE_NAME);
    }

    /**
     * Returns the kind to load as.
     *
     * @return the kind, or null for the saved architecture's
     */
    public ModelKind kind() {
        return kind;
    }

    /**
     * Returns the Hugging Face architecture to build instead of the saved one.
     *
     * @return the architecture, or null
     */
    public String architecture() {
        return architecture;
    }

    /**
     * Returns the SpikeLM settings the model gets, from the ones it was saved with.
     *
     * @param saved the saved settings
     * @return the settings to load with
     */
    public SpikingConfig spiking(SpikingConfig saved) {
        return Objects.requireNonNull(spiking.apply(saved), "the spiking operator returned null");
    }

    /**
     * Returns whether {@code pytorch_model.bin} may be read (restricted unpickler).
     *
     * @return true to allow it
     */
    public boolean allowPickle() {
        return allowPickle;
    }

    /**
     * Returns the texts uncalibrated spike sites are calibrated on when the model loads.
     *
     * @return the calibration set, or null to leave them uncalibrated
     */
    public CalibrationSet calibration() {
        return calibration;
    }

    /**
     * Returns the {@code tokenizer.json} that tokenises the calibration set.
     *
     * @return the file given, or the directory's {@code tokenizer.json}
     */
    public Path tokenizer() {
        return tokenizer != null ? tokenizer : modelDir.resolve("tokenizer.json");
    }

    /**
     * Returns SpikeLM settings with another T: an ANN's become the default SpikeLM settings with T
     * time steps, a SpikeLM's keep everything else.
     *
     * @param saved the settings a model has
     * @param timeSteps T, at least 1
     * @return the settings with T time steps
     */
    public static SpikingConfig withTimeSteps(SpikingConfig saved, int timeSteps) {
        SpikingConfig.Builder b = saved.isSpiking() ? saved.toBuilder() : SpikingConfig.builder();
        return b.optSpiking(true).optTimeSteps(timeSteps).build();
    }

    /** Builds a {@link LoadRequest}. */
    public static final class Builder {
        private Path modelDir;
        private ModelKind kind;
        private String architecture;
        private UnaryOperator<SpikingConfig> spiking = UnaryOperator.identity();
        private boolean allowPickle;
        private CalibrationSet calibration = CalibrationSet.sample();
        private Path tokenizer;

        Builder() {}

        /**
         * Sets the model directory (required): {@code config.json}, the weights and usually {@code
         * tokenizer.json}.
         *
         * @param modelDir the directory
         * @return this builder
         */
        public Builder setModelDir(Path modelDir) {
            this.modelDir = Objects.requireNonNull(modelDir, "modelDir");
            return this;
        }

        /**
         * Loads the model as a kind (the family picks its architecture of that kind), rather than as
         * the saved architecture.
         *
         * @param kind the kind, or null for the saved architecture
         * @return this builder
         */
        public Builder optKind(ModelKind kind) {
            this.kind = kind;
            return this;
        }

        /**
         * Loads the model as a Hugging Face architecture of its family (for example {@code
         * BertForSequenceClassification}); a head the checkpoint lacks starts random.
         *
         * @param architecture the architecture, or null
         * @return this builder
         */
        public Builder optArchitecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        /**
         * Sets the SpikeLM settings, as a function of the saved ones (default: the saved ones).
         *
         * @param spiking saved settings → settings to load with
         * @return this builder
         */
        public Builder optSpiking(UnaryOperator<SpikingConfig> spiking) {
            this.spiking = Objects.requireNonNull(spiking, "spiking");
            return this;
        }

        /**
         * Sets the SpikeLM settings, whatever was saved.
         *
         * @param spiking the settings
         * @return this builder
         */
        public Builder optSpiking(SpikingConfig spiking) {
            Objects.requireNonNull(spiking, "spiking");
            return optSpiking(saved -> spiking);
        }

        /**
         * Runs the model as SpikeLM with T time steps: an ANN is converted (with the default
         * settings), a SpikeLM keeps its settings with the new T. Replaces any {@link #optSpiking}.
         *
         * @param timeSteps T, at least 1; null keeps the saved settings
         * @return this builder
         */
        public Builder optTimeSteps(Integer timeSteps) {
            if (timeSteps == null) {
                return optSpiking(UnaryOperator.identity());
            }
            return optSpiking(saved -> withTimeSteps(saved, timeSteps));
        }

        /**
         * Lets a directory without safetensors weights be read from {@code pytorch_model.bin}, by a
         * restricted unpickler that accepts tensor data only (default false).
         *
         * @param allow true to allow it
         * @return this builder
         */
        public Builder optAllowPickle(boolean allow) {
            this.allowPickle = allow;
            return this;
        }

        /**
         * Sets what uncalibrated spike sites (an ANN converted on load) are calibrated on, over real
         * tokens only, before the model is returned (default {@link CalibrationSet#sample()}).
         *
         * @param calibration the texts, or null to leave the sites uncalibrated (they then calibrate
         *     on the first batch that passes, padding included: only for a caller that calibrates
         *     itself)
         * @return this builder
         */
        public Builder optCalibration(CalibrationSet calibration) {
            this.calibration = calibration;
            return this;
        }

        /**
         * Sets the {@code tokenizer.json} that tokenises the calibration set (default: the
         * directory's).
         *
         * @param tokenizer the file, or null for the directory's
         * @return this builder
         */
        public Builder optTokenizer(Path tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         * @throws IllegalArgumentException without a model directory, or with both a kind and an
         *     architecture
         */
        public LoadRequest build() {
            if (modelDir == null) {
                throw new IllegalArgumentException("LoadRequest needs setModelDir(...)");
            }
            if (kind != null && architecture != null) {
                throw new IllegalArgumentException(
                        "Set a model kind (" + kind.id() + ") or an architecture (" + architecture + "), not both");
            }
            return new LoadRequest(this);
        }
    }
}
