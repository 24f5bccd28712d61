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
 * One post-LayerNorm BART decoder layer ({@code model.decoder.layers.N}), every time step in
 * parallel:
 *
 * <pre>
 * x = self_attn_layer_norm(x + dropout(self_attn(x, causal mask, past keys/values)))
 * x = encoder_attn_layer_norm(x + dropout(encoder_attn(x, source mask, source keys/values)))
 * x = final_layer_norm(x + dropout(fc2(dropout(act(fc1(x))))))
 * </pre>
 *
 * <p>Inputs: {@code x [T, B, L, D]}, the causal mask {@code [B or 1, 1, L, P + L]}, the source mask
 * {@code [B or 1, 1, 1, S]}, the source keys and values {@code [T, B, H, S, d]} ({@link
 * #crossKeyValues}) and optionally the cached self-attention keys and values {@code [T, B, H, P,
 * d]}. Outputs: {@code [T, B, L, D]} and the self-attention keys and values of all P + L positions.
 */
public class BartDecoderLayer extends AbstractBlock {

    private final SpikeBartConfig config;
    private final BartAttention selfAttn;
    private final HfLayerNorm selfAttnLayerNorm;
    private final BartAttention encoderAttn;
    private final HfLayerNorm encoderAttnLayerNorm;
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
    public BartDecoderLayer(SpikeBartConfig config) {
        this.config = config;
        int d = config.dModel();
        int heads = config.decoderAttentionHeads();
        float eps = SpikeBartConfig.LAYER_NORM_EPS;
        selfAttn = addChildBlock("self_attn", new BartAttention(config, heads, false));
        selfAttnLayerNorm = addChildBlock("self_attn_layer_norm", new HfLayerNorm(d, eps));
        encoderAttn = addChildBlock("encoder_attn", new BartAttention(config, heads, true));
        encoderAttnLayerNorm = addChildBlock("encoder_attn_layer_norm", new HfLayerNorm(d, eps));
        fc1 = addChildBlock("fc1", BartLayers.linear(config, "fc1", config.decoderFfnDim()));
        fc2 = addChildBlock("fc2", BartLayers.linear(config, "fc2", d));
        finalLayerNorm = addChildBlock("final_layer_norm", new HfLayerNorm(d, eps));
        activation = Activations.of(config.activationFunction());
    }

    /**
     * Projects and spikes the keys and values the cross-attention attends to.
     *
     * @param ps the parameter store
     * @param source the encoder output repeated over T, {@code [T, B, S, D]}
     * @param training whether training
     * @return keys and values {@code [T, B, H, S, d]}
     */
    public NDList crossKeyValues(ParameterStore ps, NDArray source, boolean training) {
        return encoderAttn.keyValues(ps, source, training);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 5 && inputs.size() != 7) {
            throw new IllegalArgumentException(
                    "BartDecoderLayer takes x, causal mask, source mask, source keys, source values"
                            + " [, past keys, past values], got " + inputs.size() + " arrays");
        }
        NDArray x = inputs.get(0);
        NDList selfInputs = new NDList(x, inputs.get(1));
        if (inputs.size() == 7) {
            selfInputs.add(inputs.get(5));
            selfInputs.add(inputs.get(6));
        }
        NDList attended = selfAttn.forward(ps, selfInputs, training);
        NDArray h = Dropout.dropout(attended.get(0), config.dropout(), training).singletonOrThrow();
        x = selfAttnLayerNorm.forward(ps, new NDList(x.add(h)), training).singletonOrThrow();

        NDList crossInputs = new NDList(x, inputs.get(2), inputs.get(3), inputs.get(4));
        h = encoderAttn.forward(ps, crossInputs, training).singletonOrThrow();
        h = Dropout.dropout(h, config.dropout(), training).singletonOrThrow();
        x = encoderAttnLayerNorm.forward(ps, new NDList(x.add(h)), training).singletonOrThrow();

        NDArray fed = BartLayers.feedForward(ps, fc1, fc2, activation, config, x, training);
        x = finalLayerNorm.forward(ps, new NDList(x.add(fed)), training).singletonOrThrow();
        return new NDList(x, attended.get(1), attended.get(2));
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        Shape mask = new Shape(1, 1, 1, 1);
        selfAttn.initialize(manager, dataType, x, mask);
        selfAttnLayerNorm.initialize(manager, dataType, x);
        encoderAttn.initialize(manager, dataType, x, mask);
        encoderAttnLayerNorm.initialize(manager, dataType, x);
        fc1.initialize(manager, dataType, x);
        fc2.initialize(manager, dataType, x.slice(0, x.dimension() - 1).add(config.decoderFfnDim()));
        finalLayerNorm.initialize(manager, dataType, x);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return selfAttn.getOutputShapes(inputShapes);
    }
}
