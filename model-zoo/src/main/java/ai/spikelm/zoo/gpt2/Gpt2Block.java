package ai.spikelm.zoo.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.zoo.core.HfLayerNorm;

/**
 * One pre-LayerNorm GPT-2 layer ({@code h.N}), every time step in parallel:
 *
 * <pre>
 * x = x + attn(ln_1(x))
 * x = x + mlp(ln_2(x))
 * </pre>
 *
 * <p>Inputs: {@code x [T, B, L, D]}, the additive mask and optionally the cached keys and values
 * (see {@link Gpt2Attention}). Outputs: {@code [T, B, L, D]} and the keys and values of all
 * positions.
 */
public class Gpt2Block extends AbstractBlock {

    private final HfLayerNorm ln1;
    private final Gpt2Attention attn;
    private final HfLayerNorm ln2;
    private final Gpt2Mlp mlp;

    /**
     * Creates the layer.
     *
     * @param config the model config
     */
    @SuppressWarnings("this-escape")
    public Gpt2Block(SpikeGpt2Config config) {
        ln1 = addChildBlock("ln_1", new HfLayerNorm(config.nEmbd(), config.layerNormEpsilon()));
        attn = addChildBlock("attn", new Gpt2Attention(config));
        ln2 = addChildBlock("ln_2", new HfLayerNorm(config.nEmbd(), config.layerNormEpsilon()));
        mlp = addChildBlock("mlp", new Gpt2Mlp(config));
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDList attnInputs = new NDList(inputs.size());
        attnInputs.add(ln1.forward(ps, new NDList(x), training).singletonOrThrow());
        attnInputs.addAll(inputs.subNDList(1));
        NDList attended = attn.forward(ps, attnInputs, training);
        x = x.add(attended.get(0));
        NDArray fed = mlp.forward(ps, ln2.forward(ps, new NDList(x), training), training).singletonOrThrow();
        return new NDList(x.add(fed), attended.get(1), attended.get(2));
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        ln1.initialize(manager, dataType, x);
        attn.initialize(manager, dataType, inputShapes);
        ln2.initialize(manager, dataType, x);
        mlp.initialize(manager, dataType, x);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return attn.getOutputShapes(inputShapes);
    }
}
