package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * SpikeLM-BERT with both pre-training heads (Hugging Face {@code BertForPreTraining}), the
 * configuration the reference pre-trains: outputs MLM logits {@code [B, L, vocab]} and
 * next-sentence logits {@code [B, 2]}.
 */
public class SpikeBertForPreTraining extends SpikeBertPreTrainedModel {

    private final SpikeBertModel bert;
    private final BertPreTrainingHeads cls;

    /**
     * Creates the model.
     *
     * @param config the config
     */
    @SuppressWarnings("this-escape")
    public SpikeBertForPreTraining(SpikeBertConfig config) {
        super(config);
        bert = addChildBlock("bert", new SpikeBertModel(config, true));
        cls = addChildBlock("cls", new BertPreTrainingHeads(config, bert, true));
    }

    /** {@inheritDoc} */
    @Override
    public SpikeBertModel getBert() {
        return bert;
    }

    /** {@inheritDoc} */
    @Override
    public String architecture() {
        return "BertForPreTraining";
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
        int d = getConfig().hiddenSize();
        bert.initialize(manager, dataType, inputShapes);
        cls.initialize(manager, dataType, new Shape(1, 1, d), new Shape(1, d));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        return new Shape[] {ids.add(getConfig().vocabSize()), new Shape(ids.get(0), 2)};
    }
}
