package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.ops.kernel.NativeKernels;
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
    /** An ANN layer with exact GELU and head sizes the native attention takes: one native call at inference. */
    private final boolean nativeInference;

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
        nativeInference = !config.spiking().isSpiking() && "gelu".equals(config.hiddenAct()) && config.headSize() % 16 == 0;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (!training && (params == null || params.isEmpty()) && runsNatively(inputs.get(0), inputs.get(1))) {
            return new NDList(forwardNatively(ps, inputs.get(0), inputs.get(1)));
        }
        NDList attended = attention.forward(ps, inputs, training, params);
        NDList hidden = intermediate.forward(ps, new NDList(attended.get(0)), training);
        // The FFN activation exists only to be spiked: its neuron may overwrite it.
        NDList out = output.forward(ps, new NDList(hidden.singletonOrThrow(), attended.get(0)), training, SpikingNeuron.inputOwned());
        return out.addAll(attended.subNDList(1)); // attention log-probabilities, when asked for
    }

    private boolean runsNatively(NDArray x, NDArray mask) {
        return nativeInference
                && NativeKernels.supportsDense(x, mask)
                && !attention.self.isMonitored()
                && !attention.output.dense().isMonitored()
                && !intermediate.dense.isMonitored()
                && !output.dense().isMonitored();
    }

    /** The layer as one native call: the same products and attention, without a dozen engine calls around them. */
    private NDArray forwardNatively(ParameterStore ps, NDArray x, NDArray mask) {
        BertSelfAttention self = attention.self;
        NDList tensors = new NDList(NativeKernels.ENCODER_LAYER_TENSORS);
        for (SpikingLinear linear : new SpikingLinear[] {self.query(), self.key(), self.value()}) {
            add(tensors, ps, x, linear.getWeight(), linear.getBias());
        }
        add(tensors, ps, x, attention.output.dense().getWeight(), attention.output.dense().getBias());
        add(tensors, ps, x, attention.output.layerNorm().getWeight(), attention.output.layerNorm().getBias());
        add(tensors, ps, x, intermediate.dense.getWeight(), intermediate.dense.getBias());
        add(tensors, ps, x, output.dense().getWeight(), output.dense().getBias());
        add(tensors, ps, x, output.layerNorm().getWeight(), output.layerNorm().getBias());
        return NativeKernels.encoderLayer(
                x, mask, tensors, self.numHeads(), (float) Math.sqrt(self.headSize()), output.layerNorm().getEps());
    }

    private static void add(NDList tensors, ParameterStore ps, NDArray x, Parameter weight, Parameter bias) {
        tensors.add(ps.getValue(weight, x.getDevice(), false));
        tensors.add(ps.getValue(bias, x.getDevice(), false));
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
        private final SpikingLinear dense;
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
