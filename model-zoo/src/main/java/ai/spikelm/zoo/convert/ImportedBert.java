package ai.spikelm.zoo.convert;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBert;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.weights.HostTensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of an import: a BERT config and its tensors under Hugging Face {@code BertModel}
 * names ({@code embeddings.word_embeddings.weight}, {@code encoder.layer.0.attention.self.query.weight},
 * ...), plus the masked-LM head under {@code cls.predictions.*} when the source had one.
 *
 * @param config the model sizes, ready to be written as {@code config.json}
 * @param tensors the tensors in a stable order (unmodifiable)
 * @param skipped source tensors that were not imported (optimizer slots, step counters,
 *     buffers such as {@code embeddings.position_ids}), by their names in the source
 */
public record ImportedBert(SpikeBertConfig config, Map<String, HostTensor> tensors, List<String> skipped) {

    /** The Hugging Face {@code base_model_prefix} of BERT heads. */
    public static final String BASE_MODEL_PREFIX = "bert.";

    /**
     * Creates an import result, copying the collections into unmodifiable ones.
     *
     * @param config the model sizes
     * @param tensors the tensors; their order is kept
     * @param skipped names of source tensors that were not imported
     */
    public ImportedBert {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        skipped = List.copyOf(skipped);
    }

    /**
     * Tells whether the masked-LM head ({@code cls.predictions.*}) was imported.
     *
     * @return true if the transform and output bias are present
     */
    public boolean hasMaskedLmHead() {
        return tensors.containsKey("cls.predictions.bias")
                && tensors.containsKey("cls.predictions.transform.dense.weight");
    }

    /**
     * Returns the layout of Hugging Face {@code BertForMaskedLM}: encoder tensors under {@code
     * bert.}, head tensors under {@code cls.} unchanged. The decoder weight is not added: it is
     * tied to {@code bert.embeddings.word_embeddings.weight}, as in Hugging Face checkpoints.
     *
     * <p>Hugging Face refuses a {@code BertForMaskedLM} checkpoint that mixes unprefixed encoder
     * names with {@code cls.*}, which is why this is a separate view.
     *
     * @return the prefixed import, with architecture {@code BertForMaskedLM}
     * @throws IllegalStateException if there is no masked-LM head
     */
    public ImportedBert maskedLmLayout() {
        if (!hasMaskedLmHead()) {
            throw new IllegalStateException("This checkpoint has no masked-LM head (cls.predictions.*)");
        }
        Map<String, HostTensor> prefixed = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            String name = e.getKey().startsWith("cls.") ? e.getKey() : BASE_MODEL_PREFIX + e.getKey();
            prefixed.put(name, e.getValue());
        }
        return new ImportedBert(config.toBuilder().optArchitectures(List.of("BertForMaskedLM")).build(), prefixed, skipped);
    }

    /**
     * Returns the architecture this import is naturally: {@code BertForMaskedLM} with a masked-LM
     * head, {@code BertModel} otherwise.
     *
     * @return the Hugging Face architecture name
     */
    public String naturalArchitecture() {
        return hasMaskedLmHead() ? "BertForMaskedLM" : "BertModel";
    }

    /**
     * Builds a SpikeLM-BERT with these weights.
     *
     * @param manager the manager that will own the parameters
     * @param spiking the SpikeLM settings ({@link SpikingConfig#ANN} for the plain model)
     * @param architecture the Hugging Face architecture, for example {@link #naturalArchitecture()}
     * @param allowNewHead whether the architecture's head may be missing (it starts random)
     * @return the initialised model
     * @throws ai.spikelm.zoo.core.WeightsMismatchException if the weights do not fit
     */
    public SpikeBertPreTrainedModel toModel(
            NDManager manager, SpikingConfig spiking, String architecture, boolean allowNewHead) {
        SpikeBertConfig c = config.toBuilder().optSpiking(spiking).optArchitectures(List.of(architecture)).build();
        boolean pooler = tensors.containsKey("pooler.dense.weight");
        SpikeBertPreTrainedModel model = SpikeBert.create(c, architecture, pooler);
        model.initialize(manager);
        model.loadWeights(tensors, allowNewHead);
        return model;
    }
}
