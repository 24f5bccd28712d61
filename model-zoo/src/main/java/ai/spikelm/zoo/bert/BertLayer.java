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
import ai.spikelm.ops.neuron.SpikingNeuron;
import ai.spikelm.ops.nn.SpikingLinear;
import ai.spikelm.zoo.core.Activations;
import java.util.function.UnaryOperator;

/**
 * One SpikeLM-BERT layer, Hugging Face layout ({@code attention.self}, {@code attention.output},
 * {@code intermediate.dense}, {@code output}):
 *
 * <pre>
 * a = LayerNorm(dropout(attention_output(self_attention(x))) + x)
 * y = LayerNorm(dropout(output(act(intermediate(a)))) + a)
 * </pre>
 *
 * <p>Input {@code [T, B, L, D]} and the additive mask {@code [B, 1, 1, L]}; output {@code [T, B, L,
 * D]}, followed by the self-attention's log-probabilities when the forward parameters ask for
 * {@link SpikeBertModel#OUTPUT_ATTENTION_LOG_PROBS}.
 */
public class BertLayer extends AbstractBlock {

    private final Attention attention;
    private final Intermediate intermediate;
    private final BertOutput output;

    /**
     * Creates the layer.
     *
     * @param config the model config
     */
    @SuppressWarnings("this-escape")
    public BertLayer(SpikeBertConfig config) {
        attention = addChildBlock("attention", new Attention(config));
        intermediate = addChildBlock("intermediate", new Intermediate(config));
        output = addChildBlock("output", new BertOutput(config, "output", config.intermediateSize()));
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList attended = attention.forward(ps, inputs, training, params);
        NDList hidden = intermediate.forward(ps, new NDList(attended.get(0)), training);
        // The FFN activation exists only to be spiked: its neuron may overwrite it.
        NDList out = output.forward(ps, new NDList(hidden.singletonOrThrow(), attended.get(0)), training, SpikingNeuron.inputOwned());
        return out.addAll(attended.subNDList(1)); // attention log-probabilities, when asked for
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        attention.initialize(manager, dataType, inputShapes);
        intermediate.initialize(manager, dataType, inputShapes[0]);
        output.initialize(manager, dataType, intermediate.getOutputShapes(new Shape[] {inputShapes[0]})[0], inputShapes[0]);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /** {@code attention}: self-attention followed by its output projection and residual. */
    static final class Attention extends AbstractBlock {
        private final BertSelfAttention self;
        private final BertOutput output;

        @SuppressWarnings("this-escape")
        Attention(SpikeBertConfig config) {
            self = addChildBlock("self", new BertSelfAttention(config));
            output = addChildBlock("output", new BertOutput(config, "attention_output", config.hiddenSize()));
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDList attended = self.forward(ps, inputs, training, params);
            // The context exists only to be spiked: its neuron may overwrite it.
            NDList out = output.forward(ps, new NDList(attended.get(0), inputs.get(0)), training, SpikingNeuron.inputOwned());
            return out.addAll(attended.subNDList(1));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            self.initialize(manager, dataType, inputShapes);
            output.initialize(manager, dataType, inputShapes[0], inputShapes[0]);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }
    }

    /** {@code intermediate}: the spiking feed-forward expansion and its activation. */
    static final class Intermediate extends AbstractBlock {
        private final long units;
        private final Block dense;
        private final UnaryOperator<NDArray> activation;

        @SuppressWarnings("this-escape")
        Intermediate(SpikeBertConfig config) {
            units = config.intermediateSize();
            // Exact GELU belongs to the layer, which can apply it as each output is finished.
            boolean gelu = "gelu".equals(config.hiddenAct());
            SpikingLinear linear = SpikingLinear.builder()
                    .setUnits(config.intermediateSize())
                    .setNeuron(config.spiking().neuron("intermediate"))
                    .optActivation(gelu ? SpikingLinear.Activation.GELU : SpikingLinear.Activation.NONE)
                    .build();
            dense = addChildBlock("dense", linear);
            activation = gelu ? UnaryOperator.identity() : Activations.of(config.hiddenAct());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return new NDList(activation.apply(dense.forward(ps, inputs, training).singletonOrThrow()));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            dense.initialize(manager, dataType, inputShapes);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape x = inputShapes[0];
            return new Shape[] {x.slice(0, x.dimension() - 1).add(units)};
        }
    }
}
