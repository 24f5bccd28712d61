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
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.ops.neuron.ElasticBiSpikingNeuron;
import ai.spikelm.ops.neuron.SpikingNeuron;
import ai.spikelm.ops.neuron.TernarySpikeQuantizer;
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
 *
 * <p>At inference an ANN or T = 1 layer runs as one native call ({@link NativeKernels#encoderLayer}):
 * the same math, without a dozen engine calls around the products. The blocks run instead in
 * training, for attention log-probabilities, under a monitor, and wherever the native layer does
 * not apply (T &gt; 1, LIF, uncalibrated sites, event or int8 products, no AVX-512).
 */
public class BertLayer extends AbstractBlock {

    private final Attention attention;
    private final Intermediate intermediate;
    private final BertOutput output;
    /**
     * An ANN or T = 1 layer with exact GELU and head sizes the native attention takes: one native
     * call at inference ({@link NativeKernels#encoderLayer}).
     */
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
        nativeInference = config.spiking().timeSteps() == 1 && "gelu".equals(config.hiddenAct()) && config.headSize() % 16 == 0;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // Hidden states are gathered by the encoder, so only attention log-probabilities need the blocks.
        boolean blocksOnly = training || SpikeBertModel.wants(params, SpikeBertModel.OUTPUT_ATTENTION_LOG_PROBS);
        NDArray natively = blocksOnly ? null : forwardNatively(ps, inputs.get(0), inputs.get(1));
        if (natively != null) {
            return new NDList(natively);
        }
        NDList attended = attention.forward(ps, inputs, training, params);
        NDList hidden = intermediate.forward(ps, new NDList(attended.get(0)), training);
        // The FFN activation exists only to be spiked: its neuron may overwrite it.
        NDList out = output.forward(ps, new NDList(hidden.singletonOrThrow(), attended.get(0)), training, SpikingNeuron.inputOwned());
        return out.addAll(attended.subNDList(1)); // attention log-probabilities, when asked for
    }

    /**
     * The layer as one native call (the same products, spikes and attention, without a dozen engine
     * calls around them), or null where it cannot run so: no native kernels, a monitor that records
     * what the blocks do, another spike product than the dense one, a site to calibrate, or a neuron
     * other than SpikeLM's at T = 1.
     */
    private NDArray forwardNatively(ParameterStore ps, NDArray x, NDArray mask) {
        if (!nativeInference || !NativeKernels.supportsDense(x, mask) || attention.self.isMonitored()) { // Q·Kᵀ and P·V recorded
            return null;
        }
        BertSelfAttention self = attention.self;
        SpikingLinear[] linears = {self.query(), self.key(), self.value(), attention.output.dense(), intermediate.dense, output.dense()};
        for (SpikingLinear linear : linears) {
            if (linear.isMonitored() || linear.getSpikeProduct() != SpikingLinear.SpikeProduct.DENSE) {
                return null;
            }
        }
        Block[] sites = {
            self.query().getNeuron(), self.key().getNeuron(), self.value().getNeuron(), self.keySpike(), self.valueSpike(),
            attention.output.dense().getNeuron(), intermediate.dense.getNeuron(), output.dense().getNeuron()
        };
        float[] alpha = new float[sites.length];
        boolean spiking = false;
        for (int i = 0; i < sites.length; i++) {
            if (sites[i] instanceof AbstractElasticSpikingBlock site) {
                boolean singleStep = site.getClass() == ElasticBiSpikingNeuron.class || site.getClass() == TernarySpikeQuantizer.class;
                if (!singleStep || site.getTimeSteps() != 1 || !site.isCalibrated() || site.isMonitored()) {
                    return null;
                }
                alpha[i] = site.getAmplitudes()[0];
                spiking = true;
            } else if (sites[i] instanceof SpikingNeuron) {
                return null; // a LIF neuron, or another kind the native layer does not know
            } else {
                alpha[i] = Float.NaN; // a site that does not spike
            }
        }
        // The order of NativeKernels.encoderLayer: Q, K, V, attention output, its LayerNorm, FFN in and out, LayerNorm.
        NDList tensors = new NDList(NativeKernels.ENCODER_LAYER_TENSORS);
        for (int i = 0; i < 4; i++) {
            add(tensors, ps, x, linears[i].getWeight(), linears[i].getBias());
        }
        add(tensors, ps, x, attention.output.layerNorm().getWeight(), attention.output.layerNorm().getBias());
        add(tensors, ps, x, linears[4].getWeight(), linears[4].getBias());
        add(tensors, ps, x, linears[5].getWeight(), linears[5].getBias());
        add(tensors, ps, x, output.layerNorm().getWeight(), output.layerNorm().getBias());
        return NativeKernels.encoderLayer(x, mask, tensors, spiking ? alpha : null, self.numHeads(),
                (float) Math.sqrt(self.headSize()), output.layerNorm().getEps());
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
