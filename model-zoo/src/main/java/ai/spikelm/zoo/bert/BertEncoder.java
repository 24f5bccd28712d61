package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The stack of layers, {@code encoder.layer.N}: input and output {@code [T, B, L, D]}.
 *
 * <p>With {@link SpikeBertModel#OUTPUT_HIDDEN_STATES} set in the forward parameters the output is
 * the last layer's output followed by every layer's output in order ({@code N + 1} arrays, the
 * last two the same array); otherwise it is the last layer's output alone.
 */
public class BertEncoder extends AbstractBlock {

    /**
     * Creates the encoder.
     *
     * @param config the model config
     */
    @SuppressWarnings("this-escape")
    public BertEncoder(SpikeBertConfig config) {
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            addChildBlock("layer." + i, new BertLayer(config));
        }
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = inputs.get(0);
        NDArray mask = inputs.get(1);
        boolean all = SpikeBertModel.wantsHiddenStates(params);
        NDList layers = new NDList(all ? children.size() : 0);
        for (Block layer : children.values()) {
            hidden = layer.forward(ps, new NDList(hidden, mask), training).singletonOrThrow();
            if (all) {
                layers.add(hidden);
            }
        }
        NDList out = new NDList(hidden);
        return all ? out.addAll(layers) : out;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block layer : children.values()) {
            layer.initialize(manager, dataType, inputShapes);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
