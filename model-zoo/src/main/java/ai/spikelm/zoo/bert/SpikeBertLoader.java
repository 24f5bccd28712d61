package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.ServingProperties;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.weights.CheckpointReader;
import ai.spikelm.zoo.weights.HostTensor;
import ai.spikelm.zoo.weights.SafetensorsCheckpoint;
import ai.spikelm.zoo.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Loads and saves SpikeLM-BERT models in Hugging Face layout: {@code config.json} and {@code
 * model.safetensors} (or a sharded index); saving also writes DJL's {@code serving.properties}.
 *
 * <pre>{@code
 * SpikeBertPreTrainedModel model = SpikeBertLoader.builder()
 *         .setModelDir(dir)
 *         .optSpiking(SpikingConfig.builder().optTimeSteps(4).build())   // convert an ANN
 *         .build()
 *         .load(manager);
 * }</pre>
 *
 * <p>Loading is strict by default: every parameter must be in the checkpoint with the right shape,
 * and nothing unknown may be. {@code optArchitecture} puts another head on the encoder ({@code
 * optAllowNewHead(true)} lets that head start from random values).
 */
public final class SpikeBertLoader {

    /** The weights file name. */
    public static final String WEIGHTS_FILE = SafetensorsCheckpoint.SINGLE_FILE_NAME;

    private final Path modelDir;
    private final String architecture;
    private final SpikingConfig spiking;
    private final Map<Integer, String> id2label;
    private final String problemType;
    private final boolean allowNewHead;
    private final boolean allowPickle;

    private SpikeBertLoader(Builder b) {
        this.modelDir = b.modelDir;
        this.architecture = b.architecture;
        this.spiking = b.spiking;
        this.id2label = b.id2label;
        this.problemType = b.problemType;
        this.allowNewHead = b.allowNewHead;
        this.allowPickle = b.allowPickle;
    }

    /**
     * Reads the config the model will have: the saved one with this loader's overrides.
     *
     * @return the config
     * @throws IOException if {@code config.json} cannot be read
     */
    public SpikeBertConfig config() throws IOException {
        SpikeBertConfig saved = SpikeBertConfig.load(modelDir.resolve("config.json"));
        SpikeBertConfig.Builder b = saved.toBuilder();
        if (spiking != null) {
            b.optSpiking(spiking);
        }
        if (id2label != null) {
            b.optId2label(id2label);
        }
        if (problemType != null) {
            b.optProblemType(problemType);
        }
        if (architecture != null) {
            b.optArchitectures(List.of(architecture));
        }
        return b.build();
    }

    /**
     * Builds the model, initialises it on {@code manager} and loads the weights.
     *
     * @param manager the manager that will own the parameters
     * @return the model
     * @throws IOException if a file cannot be read or is malformed
     * @throws ai.spikelm.zoo.core.InvalidConfigException if the config is invalid
     * @throws ai.spikelm.zoo.core.WeightsMismatchException if the weights do not fit
     */
    public SpikeBertPreTrainedModel load(NDManager manager) throws IOException {
        SpikeBertConfig config = config();
        try (CheckpointReader checkpoint = SafetensorsCheckpoint.open(modelDir, allowPickle)) {
            Map<String, HostTensor> tensors = checkpoint.tensors();
            // A bare encoder has a pooler exactly when its checkpoint has one (sentence encoders don't).
            boolean pooler = tensors.keySet().stream().anyMatch(n -> n.endsWith("pooler.dense.weight"));
            SpikeBertPreTrainedModel model = SpikeBert.create(config, SpikeBert.architecture(config), pooler);
            model.initialize(manager);
            model.loadWeights(tensors, allowNewHead);
            return model;
        }
    }

    /**
     * Saves a model as {@code config.json} + {@code model.safetensors} (with its SpikeLM
     * amplitudes and calibrated flags).
     *
     * @param model an initialised model
     * @param dir the directory, created if needed
     * @throws IOException if a file cannot be written
     */
    public static void save(SpikeBertPreTrainedModel model, Path dir) throws IOException {
        Files.createDirectories(dir);
        SpikeBertConfig config =
                model.getConfig().toBuilder().optArchitectures(List.of(model.architecture())).build();
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), model.exportWeights(), Map.of("format", "pt"));
        config.save(dir);
        ServingProperties.write(dir);
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SpikeBertLoader}. */
    public static final class Builder {
        private Path modelDir;
        private String architecture;
        private SpikingConfig spiking;
        private Map<Integer, String> id2label;
        private String problemType;
        private boolean allowNewHead;
        private boolean allowPickle;

        Builder() {}

        /**
         * Sets the model directory (required).
         *
         * @param modelDir a directory with {@code config.json} and the weights
         * @return this builder
         */
        public Builder setModelDir(Path modelDir) {
            this.modelDir = Objects.requireNonNull(modelDir);
            return this;
        }

        /**
         * Loads as another architecture than the saved one.
         *
         * @param architecture for example {@code BertForSequenceClassification}
         * @return this builder
         */
        public Builder optArchitecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        /**
         * Replaces the SpikeLM settings (for example to convert an ANN checkpoint to T = 4).
         *
         * @param spiking the settings
         * @return this builder
         */
        public Builder optSpiking(SpikingConfig spiking) {
            this.spiking = spiking;
            return this;
        }

        /**
         * Sets the labels of a classification head.
         *
         * @param id2label id → label
         * @return this builder
         */
        public Builder optId2label(Map<Integer, String> id2label) {
            this.id2label = id2label;
            return this;
        }

        /**
         * Sets the problem type of a classification head ({@code regression} for one output).
         *
         * @param problemType the Hugging Face problem type
         * @return this builder
         */
        public Builder optProblemType(String problemType) {
            this.problemType = problemType;
            return this;
        }

        /**
         * Lets the model's head (and pooler) be missing from the checkpoint.
         *
         * @param allow true to allow a freshly initialised head
         * @return this builder
         */
        public Builder optAllowNewHead(boolean allow) {
            this.allowNewHead = allow;
            return this;
        }

        /**
         * Lets the loader read {@code pytorch_model.bin} when the directory has no safetensors
         * weights. The file is read by a restricted unpickler that accepts only tensor data and
         * refuses any other Python object; safetensors is still preferred when present.
         *
         * @param allow true to accept PyTorch checkpoints
         * @return this builder
         */
        public Builder optAllowPickle(boolean allow) {
            this.allowPickle = allow;
            return this;
        }

        /**
         * Builds the loader.
         *
         * @return the loader
         */
        public SpikeBertLoader build() {
            if (modelDir == null) {
                throw new IllegalArgumentException("SpikeBertLoader needs setModelDir(...)");
            }
            return new SpikeBertLoader(this);
        }
    }
}
