package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.zoo.family.MaskedLmModel;

/**
 * SpikeLM-BERT with the masked-LM head (Hugging Face {@code BertForMaskedLM}): {@code bert} without
 * a pooler, then {@code cls.predictions}. Output: logits {@code [B, L, vocab]}.
 */
public class SpikeBertForMaskedLM extends SpikeBertPreTrainedModel implements MaskedLmModel {

    private final SpikeBertModel bert;
    private final BertPreTrainingHeads cls;

    /**
     * Creates the model.
     *
     * @param config the config
     */
    @SuppressWarnings("this-escape")
    public SpikeBertForMaskedLM(SpikeBertConfig config) {
        super(config);
        bert = addChildBlock("bert", new SpikeBertModel(config, false));
        cls = addChildBlock("cls", new BertPreTrainingHeads(config, bert, false));
    }

    /** {@inheritDoc} */
    @Override
    public SpikeBertModel getBert() {
        return bert;
    }

    /** {@inheritDoc} */
    @Override
    public String architecture() {
        return "BertForMaskedLM";
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList encoded = bert.forward(ps, inputs, training, params);
        NDList out = cls.forward(ps, encoded, training);
        return out.addAll(bert.extraOutputsOf(encoded));
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        bert.initialize(manager, dataType, inputShapes);
        cls.initialize(manager, dataType, new Shape(1, 1, getConfig().hiddenSize()));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(getConfig().vocabSize())};
    }
}
