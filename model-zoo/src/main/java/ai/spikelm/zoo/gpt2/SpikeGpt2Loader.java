package ai.spikelm.zoo.gpt2;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.HfModelLoader;
import ai.spikelm.zoo.core.ServingProperties;
import ai.spikelm.zoo.weights.CheckpointReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads and saves SpikeLM-GPT-2 models in Hugging Face layout: {@code config.json} and {@code
 * model.safetensors} (or a sharded index; {@code pytorch_model.bin} on opt-in).
 *
 * <pre>{@code
 * SpikeGpt2LMHeadModel model = (SpikeGpt2LMHeadModel) SpikeGpt2Loader.builder()
 *         .setModelDir(dir)
 *         .optSpiking(SpikingConfig.builder().optTimeSteps(4).build())   // convert an ANN
 *         .build()
 *         .load(manager);
 * }</pre>
 *
 * <p>Loading is strict: every parameter must be in the checkpoint with the right shape, and nothing
 * unknown may be (the causal-mask buffers of old checkpoints and a tied {@code lm_head.weight} copy
 * are accepted). Weights saved by Hugging Face load as they are: GPT-2's {@code Conv1D} layout
 * {@code [in, out]} is the layout of {@link ai.spikelm.ops.nn.SpikingLinear.WeightLayout#IN_OUT}. Sites without amplitudes calibrate on
 * their first batch.
 */
public final class SpikeGpt2Loader extends HfModelLoader {

    private SpikeGpt2Loader(Builder b) {
        super(b);
    }

    /**
     * Reads the config the model will have: the saved one with this loader's overrides.
     *
     * @return the config
     * @throws IOException if {@code config.json} cannot be read
     * @throws ai.spikelm.zoo.core.InvalidConfigException if the config is invalid
     */
    public SpikeGpt2Config config() throws IOException {
        SpikeGpt2Config.Builder b = SpikeGpt2Config.load(configFile()).toBuilder();
        if (spiking() != null) {
            b.optSpiking(spiking());
        }
        if (architecture() != null) {
            b.optArchitectures(List.of(architecture()));
        }
        return b.build();
    }

    /**
     * Builds the model, initialises it on {@code manager} and loads the weights.
     *
     * @param manager the manager that will own the parameters
     * @return the model ({@link SpikeGpt2LMHeadModel} unless the config or {@code optArchitecture}
     *     names {@code GPT2Model})
     * @throws IOException if a file cannot be read or is malformed
     * @throws ai.spikelm.zoo.core.InvalidConfigException if the config is invalid
     * @throws ai.spikelm.zoo.core.WeightsMismatchException if the weights do not fit
     */
    public SpikeGpt2PreTrainedModel load(NDManager manager) throws IOException {
        SpikeGpt2Config config = config();
        try (CheckpointReader checkpoint = openCheckpoint()) {
            checkCost(config.cost(), checkpoint);
            SpikeGpt2PreTrainedModel model = SpikeGpt2.create(config);
            model.initialize(manager);
            model.loadWeights(checkpoint.tensors());
            return model;
        }
    }

    /**
     * Loads the model with its LM head, whatever architecture the config names.
     *
     * @param manager the manager that will own the parameters
     * @return the language model
     * @throws IOException if a file cannot be read or is malformed
     */
    public SpikeGpt2LMHeadModel loadLanguageModel(NDManager manager) throws IOException {
        SpikeGpt2Loader lm = withSameSource(new Builder()).optArchitecture("GPT2LMHeadModel").build();
        return (SpikeGpt2LMHeadModel) lm.load(manager);
    }

    /**
     * Saves a model as {@code config.json} + {@code model.safetensors} (with its SpikeLM
     * amplitudes and calibrated flags), in the layout Hugging Face's {@code GPT2LMHeadModel} reads
     * (it ignores the SpikeLM tensors when it warns about unused weights), and DJL's {@code
     * serving.properties}.
     *
     * @param model an initialised model
     * @param dir the directory, created if needed
     * @throws IOException if a file cannot be written
     */
    public static void save(SpikeGpt2PreTrainedModel model, Path dir) throws IOException {
        SpikeGpt2Config config =
                model.getConfig().toBuilder().optArchitectures(List.of(model.architecture())).build();
        writeWeights(dir, model.exportWeights());
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

    /**
     * Builds a {@link SpikeGpt2Loader}: {@code optArchitecture} takes {@code GPT2LMHeadModel} or
     * {@code GPT2Model}.
     */
    public static final class Builder extends HfModelLoader.Builder<SpikeGpt2Loader, Builder> {

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /** {@inheritDoc} */
        @Override
        protected SpikeGpt2Loader create() {
            return new SpikeGpt2Loader(this);
        }

        /** {@inheritDoc} */
        @Override
        protected String loaderName() {
            return "SpikeGpt2Loader";
        }
    }
}
