package ai.spikelm.zoo.bart;

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
import ai.spikelm.zoo.core.Activations;
import ai.spikelm.zoo.core.HfLayerNorm;
import java.util.function.UnaryOperator;

/**
 * One post-LayerNorm BART encoder layer ({@code model.encoder.layers.N}), every time step in
 * parallel:
 *
 * <pre>
 * x = self_attn_layer_norm(x + dropout(self_attn(x, padding mask)))
 * x = final_layer_norm(x + dropout(fc2(dropout(act(fc1(x))))))
 * </pre>
 *
 * <p>Inputs: {@code x [T, B, S, D]} and the additive padding mask {@code [B or 1, 1, 1, S]}. Output:
 * {@code [T, B, S, D]}.
 */
public class BartEncoderLayer extends AbstractBlock {

    private final SpikeBartConfig config;
    private final BartAttention selfAttn;
    private final HfLayerNorm selfAttnLayerNorm;
    private final SpikingLinear fc1;
    private final SpikingLinear fc2;
    private final HfLayerNorm finalLayerNorm;
    private final UnaryOperator<NDArray> activation;

    /**
     * Creates the layer.
     *
     * @param config the model config
     */
    @SuppressWarnings("this-escape")
    public BartEncoderLayer(SpikeBartConfig config) {
        this.config = config;
        int d = config.dModel();
        selfAttn = addChildBlock("self_attn", new BartAttention(config, config.encoderAttentionHeads(), false));
        selfAttnLayerNorm = addChildBlock("self_attn_layer_norm", new HfLayerNorm(d, SpikeBartConfig.LAYER_NORM_EPS));
        fc1 = addChildBlock("fc1", BartLayers.linear(config, "fc1", config.encoderFfnDim()));
        fc2 = addChildBlock("fc2", BartLayers.linear(config, "fc2", d));
        finalLayerNorm = addChildBlock("final_layer_norm", new HfLayerNorm(d, SpikeBartConfig.LAYER_NORM_EPS));
        activation = Activations.of(config.activationFunction());
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray attended = selfAttn.forward(ps, new NDList(x, inputs.get(1)), training).get(0);
        attended = Dropout.dropout(attended, config.dropout(), training).singletonOrThrow();
        x = selfAttnLayerNorm.forward(ps, new NDList(x.add(attended)), training).singletonOrThrow();
        NDArray fed = BartLayers.feedForward(ps, fc1, fc2, activation, config, x, training);
        return finalLayerNorm.forward(ps, new NDList(x.add(fed)), training);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        selfAttn.initialize(manager, dataType, inputShapes);
        selfAttnLayerNorm.initialize(manager, dataType, x);
        fc1.initialize(manager, dataType, x);
        fc2.initialize(manager, dataType, x.slice(0, x.dimension() - 1).add(config.encoderFfnDim()));
        finalLayerNorm.initialize(manager, dataType, x);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
