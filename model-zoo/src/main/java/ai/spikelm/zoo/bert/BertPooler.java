package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** The real-valued pooler: tanh(dense(h[:, 0])) on the first ([CLS]) token, {@code [B, D]}. */
public class BertPooler extends AbstractBlock {

    private final int hidden;
    private final Linear dense;

    /**
     * Creates the pooler.
     *
     * @param config the model config
     */
    @SuppressWarnings("this-escape")
    public BertPooler(SpikeBertConfig config) {
        hidden = config.hiddenSize();
        dense = addChildBlock("dense", Linear.builder().setUnits(hidden).build());
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList first = new NDList(inputs.singletonOrThrow().get(":, 0, :"));
        return new NDList(dense.forward(ps, first, training).singletonOrThrow().tanh());
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
