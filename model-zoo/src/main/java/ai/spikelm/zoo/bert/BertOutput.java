package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.ops.nn.SpikingLinear;
import ai.spikelm.zoo.core.HfLayerNorm;

/**
 * Projection back to the residual stream: LayerNorm(dropout(dense(x)) + residual), with a spiking
 * {@code dense}. Used after attention ({@code attention.output}) and after the feed-forward
 * network ({@code output}). With {@link ai.spikelm.ops.neuron.SpikingNeuron#INPUT_OWNED} in the
 * forward parameters, x may be overwritten.
 *
 * <p>Inputs: {@code x [T, B, L, in]}, {@code residual [T, B, L, D]}; output {@code [T, B, L, D]}.
 */
public class BertOutput extends AbstractBlock {

    private final long in;
    private final float dropout;
    private final SpikingLinear dense;
    private final HfLayerNorm layerNorm;

    /**
     * Creates the block.
     *
     * @param config the model config
     * @param site the spike site of {@code dense}'s input
     * @param in the input width
     */
    @SuppressWarnings("this-escape")
    public BertOutput(SpikeBertConfig config, String site, int in) {
        this.in = in;
        this.dropout = config.hiddenDropoutProb();
        dense = addChildBlock("dense", BertSelfAttention.spikingLinear(config, site, config.hiddenSize()));
        layerNorm = addChildBlock("LayerNorm", new HfLayerNorm(config.hiddenSize(), config.layerNormEps()));
    }

    SpikingLinear dense() {
        return dense;
    }

    HfLayerNorm layerNorm() {
        return layerNorm;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // Forward parameters reach the neuron: a caller that hands x over lets it spike x in place.
        NDArray projected = dense.forward(ps, new NDList(inputs.get(0)), training, params).singletonOrThrow();
        if (training) {
            projected = Dropout.dropout(projected, dropout, true).singletonOrThrow();
        }
        return layerNorm.forward(ps, new NDList(projected.add(inputs.get(1))), training);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        dense.initialize(manager, dataType, x.slice(0, x.dimension() - 1).add(in));
        layerNorm.initialize(manager, dataType, inputShapes[1]);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[1]};
    }
}
