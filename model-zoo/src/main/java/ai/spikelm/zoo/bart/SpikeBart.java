package ai.spikelm.zoo.bart;

import ai.spikelm.zoo.core.InvalidConfigException;

/** Picks the SpikeLM-BART model class a config asks for. */
public final class SpikeBart {

    private SpikeBart() {}

    /**
     * Returns the architecture a config names: its first {@code architectures} entry, {@code
     * BartForConditionalGeneration} when there is none.
     *
     * @param config the config
     * @return the Hugging Face architecture name
     */
    public static String architecture(SpikeBartConfig config) {
        return config.architectures().isEmpty() ? "BartForConditionalGeneration" : config.architectures().get(0);
    }

    /**
     * Creates the model named by the config ({@link #architecture}).
     *
     * @param config the config
     * @return an uninitialised model
     * @throws InvalidConfigException for an architecture this family does not have
     */
    public static SpikeBartPreTrainedModel create(SpikeBartConfig config) {
        return create(config, architecture(config));
    }

    /**
     * Creates a model of the named Hugging Face architecture.
     *
     * @param config the config
     * @param architecture {@code BartForConditionalGeneration} or {@code BartModel}
     * @return an uninitialised model
     * @throws InvalidConfigException for any other architecture
     */
    public static SpikeBartPreTrainedModel create(SpikeBartConfig config, String architecture) {
        switch (architecture) {
            case "BartForConditionalGeneration":
                return new SpikeBartForConditionalGeneration(config);
            case "BartModel":
                return new SpikeBartModel(config);
            default:
                throw new InvalidConfigException(
                        "Unsupported architecture '"
                                + architecture
                                + "'; SpikeLM-BART has BartForConditionalGeneration and BartModel");
        }
    }
}
