package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.zoo.core.Pooling;

/**
 * The real-valued pooler, {@code [B, D]}: tanh(dense(h[:, 0])) on the first ([CLS]) token, as
 * BERT, or with {@code classifier_pooling = mean} ({@link SpikeBertConfig#classifierPooling()})
 * tanh(dense(mean of h over the real tokens)). Inputs: the hidden states {@code [B, L, D]} and,
 * for mean pooling, the attention mask {@code [B, L]} (1 for real tokens).
 */
public class BertPooler extends AbstractBlock {

    private final int hidden;
    private final Pooling pooling;
    private final Linear dense;

    /**
     * Creates the pooler.
     *
     * @param config the model config
     */
    @SuppressWarnings("this-escape")
    public BertPooler(SpikeBertConfig config) {
        hidden = config.hiddenSize();
        pooling = config.classifierPooling();
        dense = addChildBlock("dense", Linear.builder().setUnits(hidden).build());
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray states = inputs.get(0);
        NDArray pooled;
        if (pooling == Pooling.CLS) {
            pooled = states.get(":, 0, :");
        } else {
            if (inputs.size() < 2) {
                throw new IllegalArgumentException("Mean pooling needs the attention mask as the pooler's second input");
            }
            NDArray mask = inputs.get(1).toType(states.getDataType(), false).expandDims(2);
            pooled = pooling.apply(states, mask, false);
        }
        return new NDList(dense.forward(ps, new NDList(pooled), training).singletonOrThrow().tanh());
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        dense.initialize(manager, dataType, new Shape(1, hidden));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), hidden)};
    }
}
