package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.weights.CheckpointReader;
import ai.spikelm.zoo.weights.SafetensorsCheckpoint;
import ai.spikelm.zoo.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads and saves SpikeLM-BART models in Hugging Face layout: {@code config.json} and {@code
 * model.safetensors} (or a sharded index; {@code pytorch_model.bin} on opt-in), with the {@code
 * tokenizer.json} beside them.
 *
 * <pre>{@code
 * SpikeBartForConditionalGeneration model = SpikeBartLoader.builder()
 *         .setModelDir(dir)
 *         .optSpiking(SpikingConfig.builder().optTimeSteps(4).build())   // convert an ANN
 *         .build()
 *         .loadGenerationModel(manager);
 * }</pre>
 *
 * <p>Loading is strict: every parameter must be in the checkpoint with the right shape, and nothing
 * unknown may be (tied copies of {@code model.shared.weight} are accepted, see {@link
 * SpikeBartPreTrainedModel#loadWeights}). Linear weights are {@code [out, in]} as Hugging Face saves
 * them. Sites without amplitudes calibrate on their first batch.
 */
public final class SpikeBartLoader {

    /** The weights file name. */
    public static final String WEIGHTS_FILE = SafetensorsCheckpoint.SINGLE_FILE_NAME;

    /** The tokenizer file copied along by {@link #save(SpikeBartPreTrainedModel, Path, Path)}. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private final Path modelDir;
    private final String architecture;
    private final SpikingConfig spiking;
    private final boolean allowPickle;

    private SpikeBartLoader(Builder b) {
        this.modelDir = b.modelDir;
        this.architecture = b.architecture;
        this.spiking = b.spiking;
        this.allowPickle = b.allowPickle;
    }

    /**
     * Reads the config the model will have: the saved one with this loader's overrides.
     *
     * @return the config
     * @throws IOException if {@code config.json} cannot be read
     * @throws ai.spikelm.zoo.core.InvalidConfigException if the config is invalid
     */
    public SpikeBartConfig config() throws IOException {
        SpikeBartConfig.Builder b = SpikeBartConfig.load(modelDir.resolve("config.json")).toBuilder();
        if (spiking != null) {
            b.optSpiking(spiking);
        }
        if (architecture != null) {
            b.optArchitectures(List.of(architecture));
        }
        return b.build();
    }

    /**
     * Returns the model directory's {@code tokenizer.json}, if it has one.
     *
     * @return the file, or empty
     */
    public Optional<Path> tokenizerFile() {
        Path file = modelDir.resolve(TOKENIZER_FILE);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /**
     * Builds the model, initialises it on {@code manager} and loads the weights.
     *
     * @param manager the manager that will own the parameters
     * @return the model ({@link SpikeBartForConditionalGeneration} unless the config or {@code
     *     optArchitecture} names {@code BartModel})
     * @throws IOException if a file cannot be read or is malformed
     * @throws ai.spikelm.zoo.core.InvalidConfigException if the config is invalid
     * @throws ai.spikelm.zoo.core.WeightsMismatchException if the weights do not fit
     */
    public SpikeBartPreTrainedModel load(NDManager manager) throws IOException {
        SpikeBartConfig config = config();
        SpikeBartPreTrainedModel model = SpikeBart.create(config);
        try (CheckpointReader checkpoint = SafetensorsCheckpoint.open(modelDir, allowPickle)) {
            model.initialize(manager);
            model.loadWeights(checkpoint.tensors());
            return model;
        }
    }

    /**
     * Loads the model with its LM head, whatever architecture the config names.
     *
     * @param manager the manager that will own the parameters
     * @return the generation model
     * @throws IOException if a file cannot be read or is malformed
     */
    public SpikeBartForConditionalGeneration loadGenerationModel(NDManager manager) throws IOException {
        SpikeBartLoader lm =
                new Builder().setModelDir(modelDir).optArchitecture("BartForConditionalGeneration").optSpiking(spiking)
                        .optAllowPickle(allowPickle).build();
        return (SpikeBartForConditionalGeneration) lm.load(manager);
    }

    /**
     * Saves a model as {@code config.json} + {@code model.safetensors} (with its SpikeLM amplitudes
     * and calibrated flags), in the layout Hugging Face's {@code BartForConditionalGeneration} reads
     * (it ignores the SpikeLM tensors when it warns about unused weights).
     *
     * @param model an initialised model
     * @param dir the directory, created if needed
     * @throws IOException if a file cannot be written
     */
    public static void save(SpikeBartPreTrainedModel model, Path dir) throws IOException {
        Files.createDirectories(dir);
        SpikeBartConfig config = model.getConfig().toBuilder().optArchitectures(List.of(model.architecture())).build();
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), model.exportWeights(), Map.of("format", "pt"));
        config.save(dir);
    }

    /**
     * Saves a model ({@link #save(SpikeBartPreTrainedModel, Path)}) and copies the {@code
     * tokenizer.json} of the directory it came from, if that has one.
     *
     * @param model an initialised model
     * @param dir the directory, created if needed
     * @param sourceDir the directory the model was loaded from (or any with its tokenizer)
     * @throws IOException if a file cannot be written or copied
     */
    public static void save(SpikeBartPreTrainedModel model, Path dir, Path sourceDir) throws IOException {
        save(model, dir);
        Path tokenizer = sourceDir.resolve(TOKENIZER_FILE);
        Path target = dir.resolve(TOKENIZER_FILE);
        if (Files.isRegularFile(tokenizer) && !Files.isSameFile(sourceDir, dir)) {
            Files.copy(tokenizer, target, StandardCopyOption.REPLACE_EXISTING);
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

    /** Builds a {@link SpikeBartLoader}. */
    public static final class Builder {
        private Path modelDir;
        private String architecture;
        private SpikingConfig spiking;
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
         * @param architecture {@code BartForConditionalGeneration} or {@code BartModel}
         * @return this builder
         */
        public Builder optArchitecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        /**
         * Replaces the SpikeLM settings (for example to convert an ANN checkpoint to T = 4).
         *
         * @param spiking the settings, or null to keep the saved ones
         * @return this builder
         */
        public Builder optSpiking(SpikingConfig spiking) {
            this.spiking = spiking;
            return this;
        }

        /**
         * Lets the loader read {@code pytorch_model.bin} (through the restricted unpickler) when the
         * directory has no safetensors weights.
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
         * @throws IllegalArgumentException without a model directory
         */
        public SpikeBartLoader build() {
            if (modelDir == null) {
                throw new IllegalArgumentException("SpikeBartLoader needs setModelDir(...)");
            }
            return new SpikeBartLoader(this);
        }
    }
}
