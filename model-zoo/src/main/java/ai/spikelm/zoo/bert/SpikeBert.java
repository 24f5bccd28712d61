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
        String architecture = config.architectures().isEmpty() ? "BertModel" : config.architectures().get(0);
        return create(config, architecture);
    }

    /**
     * Creates a model of the named Hugging Face architecture.
     *
     * @param config the config
     * @param architecture {@code BertModel}, {@code BertForMaskedLM}, {@code BertForPreTraining} or
     *     {@code BertForSequenceClassification}
     * @return an uninitialised model
     * @throws InvalidConfigException for any other architecture
     */
    public static SpikeBertPreTrainedModel create(SpikeBertConfig config, String architecture) {
        switch (architecture) {
            case "BertModel":
                return new SpikeBertModel(config);
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
