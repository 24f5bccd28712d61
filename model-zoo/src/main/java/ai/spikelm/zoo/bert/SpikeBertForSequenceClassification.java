package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.zoo.family.SequenceClassifierModel;
import java.util.Map;

/**
 * SpikeLM-BERT for sequence classification or regression (Hugging Face {@code
 * BertForSequenceClassification}): {@code classifier(dropout(pooled))}. Output: logits {@code [B,
 * num_labels]} (one column for regression).
 */
public class SpikeBertForSequenceClassification extends SpikeBertPreTrainedModel implements SequenceClassifierModel {

    private final SpikeBertModel bert;
    private final Linear classifier;
    private final float dropout;

    /**
     * Creates the model.
     *
     * @param config the config; {@code id2label} sets the number of labels (one for regression)
     */
    @SuppressWarnings("this-escape")
    public SpikeBertForSequenceClassification(SpikeBertConfig config) {
        super(config);
        bert = addChildBlock("bert", new SpikeBertModel(config, true));
        classifier = addChildBlock("classifier", Linear.builder().setUnits(numLabels(config)).build());
        dropout = config.classifierDropout();
    }

    private static int numLabels(SpikeBertConfig config) {
        return config.isRegression() ? 1 : config.numLabels();
    }

    /** {@inheritDoc} */
    @Override
    public SpikeBertModel getBert() {
        return bert;
    }

    /** {@inheritDoc} */
    @Override
    public String architecture() {
        return "BertForSequenceClassification";
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList encoded = bert.forward(ps, inputs, training, params);
        NDList dropped = Dropout.dropout(encoded.get(1), dropout, training);
        NDList out = classifier.forward(ps, dropped, training);
        return out.addAll(bert.extraOutputsOf(encoded));
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        bert.initialize(manager, dataType, inputShapes);
        classifier.initialize(manager, dataType, new Shape(1, getConfig().hiddenSize()));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numLabels(getConfig()))};
    }

    /** {@inheritDoc} From the config's {@code id2label}. */
    @Override
    public Map<Integer, String> id2label() {
        return getConfig().id2label();
    }

    /** {@inheritDoc} From the config's {@code problem_type}. */
    @Override
    public boolean isRegression() {
        return getConfig().isRegression();
    }
}
