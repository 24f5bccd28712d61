package ai.spikelm.zoo.bert;

import ai.spikelm.zoo.core.InvalidConfigException;

/** Picks the SpikeLM-BERT model class a config asks for. */
public final class SpikeBert {

    private SpikeBert() {}

    /**
     * Creates the model named by the config's first {@code architectures} entry ({@code BertModel}
     * when absent).
     *
     * @param config the config
     * @return an uninitialised model
     * @throws InvalidConfigException for an architecture this family does not have
     */
    public static SpikeBertPreTrainedModel create(SpikeBertConfig config) {
        return create(config, architecture(config), true);
    }

    /**
     * Returns the architecture a config names: its first {@code architectures} entry, {@code
     * BertModel} when there is none.
     *
     * @param config the config
     * @return the Hugging Face architecture name
     */
    public static String architecture(SpikeBertConfig config) {
        return config.architectures().isEmpty() ? "BertModel" : config.architectures().get(0);
    }

    /**
     * Creates a model of the named Hugging Face architecture.
     *
     * @param config the config
     * @param architecture {@code BertModel}, {@code BertForMaskedLM}, {@code BertForPreTraining} or
     *     {@code BertForSequenceClassification}
     * @param pooler whether a bare {@code BertModel} gets a pooler (the heads decide for themselves)
     * @return an uninitialised model
     * @throws InvalidConfigException for any other architecture
     */
    public static SpikeBertPreTrainedModel create(SpikeBertConfig config, String architecture, boolean pooler) {
        switch (architecture) {
            case "BertModel":
                return new SpikeBertModel(config, pooler);
            case "BertForMaskedLM":
                return new SpikeBertForMaskedLM(config);
            case "BertForPreTraining":
                return new SpikeBertForPreTraining(config);
            case "BertForSequenceClassification":
                return new SpikeBertForSequenceClassification(config);
            default:
                throw new InvalidConfigException(
                        "Unsupported architecture '"
                                + architecture
                                + "'; SpikeLM-BERT has BertModel, BertForMaskedLM, BertForPreTraining,"
                                + " BertForSequenceClassification");
        }
    }
}
