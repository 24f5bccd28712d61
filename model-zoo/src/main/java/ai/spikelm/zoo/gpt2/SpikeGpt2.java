package ai.spikelm.zoo.gpt2;

import ai.spikelm.zoo.core.InvalidConfigException;

/** Picks the SpikeLM-GPT-2 model class a config asks for. */
public final class SpikeGpt2 {

    private SpikeGpt2() {}

    /**
     * Returns the architecture a config names: its first {@code architectures} entry, {@code
     * GPT2LMHeadModel} when there is none.
     *
     * @param config the config
     * @return the Hugging Face architecture name
     */
    public static String architecture(SpikeGpt2Config config) {
        return config.architectures().isEmpty() ? "GPT2LMHeadModel" : config.architectures().get(0);
    }

    /**
     * Creates the model named by the config ({@link #architecture}).
     *
     * @param config the config
     * @return an uninitialised model
     * @throws InvalidConfigException for an architecture this family does not have
     */
    public static SpikeGpt2PreTrainedModel create(SpikeGpt2Config config) {
        return create(config, architecture(config));
    }

    /**
     * Creates a model of the named Hugging Face architecture.
     *
     * @param config the config
     * @param architecture {@code GPT2LMHeadModel} or {@code GPT2Model}
     * @return an uninitialised model
     * @throws InvalidConfigException for any other architecture
     */
    public static SpikeGpt2PreTrainedModel create(SpikeGpt2Config config, String architecture) {
        switch (architecture) {
            case "GPT2LMHeadModel":
                return new SpikeGpt2LMHeadModel(config);
            case "GPT2Model":
                return new SpikeGpt2Model(config);
            default:
                throw new InvalidConfigException(
                        "Unsupported architecture '"
                                + architecture
                                + "'; SpikeLM-GPT-2 has GPT2LMHeadModel and GPT2Model");
        }
    }
}
