package ai.spikelm.zoo.gpt2;

import static ai.spikelm.zoo.gpt2.Gpt2Layers.conv1d;

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
import java.util.function.UnaryOperator;

/**
 * The feed-forward network ({@code mlp}): dropout(c_proj(act(c_fc(x)))), both spiking Conv1D
 * layers, the activation real. Input and output {@code [T, B, L, D]}.
 */
public class Gpt2Mlp extends AbstractBlock {

    private final int inner;
    private final float dropout;
    private final SpikingLinear cFc;
    private final SpikingLinear cProj;
    private final UnaryOperator<NDArray> activation;

    /**
     * Creates the feed-forward network.
     *
     * @param config the model config
     */
    @SuppressWarnings("this-escape")
    public Gpt2Mlp(SpikeGpt2Config config) {
        inner = config.innerSize();
        dropout = config.residPdrop();
        cFc = addChildBlock("c_fc", conv1d(inner, config.spiking().neuron("mlp.c_fc")));
        cProj = addChildBlock("c_proj", conv1d(config.nEmbd(), config.spiking().neuron("mlp.c_proj")));
        activation = Activations.of(config.activationFunction());
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = activation.apply(cFc.forward(ps, inputs, training).singletonOrThrow());
        NDArray out = cProj.forward(ps, new NDList(h), training).singletonOrThrow();
        return Dropout.dropout(out, dropout, training);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        cFc.initialize(manager, dataType, x);
        cProj.initialize(manager, dataType, x.slice(0, x.dimension() - 1).add(inner));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
