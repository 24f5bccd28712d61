package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.HfModelLoader;
import ai.spikelm.zoo.core.ServingProperties;
import ai.spikelm.zoo.weights.CheckpointReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
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
public final class SpikeBartLoader extends HfModelLoader {

    /** The tokenizer file copied along by {@link #save(SpikeBartPreTrainedModel, Path, Path)}. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private SpikeBartLoader(Builder b) {
        super(b);
    }

    /**
     * Reads the config the model will have: the saved one with this loader's overrides.
     *
     * @return the config
     * @throws IOException if {@code config.json} cannot be read
     * @throws ai.spikelm.zoo.core.InvalidConfigException if the config is invalid
     */
    public SpikeBartConfig config() throws IOException {
        SpikeBartConfig.Builder b = SpikeBartConfig.load(configFile()).toBuilder();
        if (spiking() != null) {
            b.optSpiking(spiking());
        }
        if (architecture() != null) {
            b.optArchitectures(List.of(architecture()));
        }
        return b.build();
    }

    /**
     * Returns the model directory's {@code tokenizer.json}, if it has one.
     *
     * @return the file, or empty
     */
    public Optional<Path> tokenizerFile() {
        Path file = modelDir().resolve(TOKENIZER_FILE);
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
        try (CheckpointReader checkpoint = openCheckpoint()) {
            checkCost(config.cost(), checkpoint);
            SpikeBartPreTrainedModel model = SpikeBart.create(config);
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
        SpikeBartLoader lm = withSameSource(new Builder()).optArchitecture("BartForConditionalGeneration").build();
        return (SpikeBartForConditionalGeneration) lm.load(manager);
    }

    /**
     * Saves a model as {@code config.json} + {@code model.safetensors} (with its SpikeLM amplitudes
     * and calibrated flags), in the layout Hugging Face's {@code BartForConditionalGeneration} reads
     * (it ignores the SpikeLM tensors when it warns about unused weights), and DJL's {@code
     * serving.properties}.
     *
     * @param model an initialised model
     * @param dir the directory, created if needed
     * @throws IOException if a file cannot be written
     */
    public static void save(SpikeBartPreTrainedModel model, Path dir) throws IOException {
        SpikeBartConfig config = model.getConfig().toBuilder().optArchitectures(List.of(model.architecture())).build();
        writeWeights(dir, model.exportWeights());
        config.save(dir);
        ServingProperties.write(dir);
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

    /**
     * Builds a {@link SpikeBartLoader}: {@code optArchitecture} takes {@code
     * BartForConditionalGeneration} or {@code BartModel}.
     */
    public static final class Builder extends HfModelLoader.Builder<SpikeBartLoader, Builder> {

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /** {@inheritDoc} */
        @Override
        protected SpikeBartLoader create() {
            return new SpikeBartLoader(this);
        }

        /** {@inheritDoc} */
        @Override
        protected String loaderName() {
            return "SpikeBartLoader";
        }
    }
}
