package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.ops.ScalarOps;
import ai.spikelm.ops.kernel.NativeKernels;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.ops.neuron.SpikingNeuron;
import ai.spikelm.ops.nn.SpikingLinear;
import ai.spikelm.ops.stats.MonitoredBlock;
import ai.spikelm.ops.stats.SpikeCounts;
import ai.spikelm.ops.stats.SpikeMonitor;

/**
 * Spiking self-attention, every time step in parallel:
 *
 * <pre>
 * Q = query(x)                       spiking linear, Q stays real
 * K = key_spike(key(x))              spiking linear, then a single-step ternary quantiser
 * V = value_spike(value(x))
 * context = dropout(softmax(Q·Kᵀ/√d + mask)) · V     (real softmax)
 * </pre>
 *
 * <p>Input {@code [T, B, L, D]} and the additive mask {@code [B, 1, 1, L]}; output {@code [T, B, L,
 * D]}, followed, when the forward parameters ask for {@link SpikeBertModel#OUTPUT_ATTENTION_LOG_PROBS},
 * by the attention log-probabilities {@code log softmax(Q·Kᵀ/√d + mask)} of every time step, {@code
 * [T, B, H, L, L]}. At inference, without log-probabilities, it runs in {@link
 * NativeKernels#attention} where that is available (head sizes that are multiples of 16), outside
 * autograd. When
 * monitored it records Q·Kᵀ and P·V: accumulates for spiked K and V (each non-zero
 * entry meets every query), real MACs otherwise.
 */
public class BertSelfAttention extends AbstractBlock implements MonitoredBlock {

    private final int heads;
    private final int headSize;
    private final float dropout;
    private final SpikingLinear query;
    private final SpikingLinear key;
    private final SpikingLinear value;
    private final Block keySpike;
    private final Block valueSpike;
    private volatile SpikeMonitor.Site monitor;

    /**
     * Creates the attention.
     *
     * @param config the model config
     */
    @SuppressWarnings("this-escape")
    public BertSelfAttention(SpikeBertConfig config) {
        heads = config.numAttentionHeads();
        headSize = config.headSize();
        dropout = config.attentionProbsDropoutProb();
        int d = config.hiddenSize();
        query = addChildBlock("query", spikingLinear(config, "query", d));
        key = addChildBlock("key", spikingLinear(config, "key", d));
        value = addChildBlock("value", spikingLinear(config, "value", d));
        keySpike = addChildBlock("key_spike", config.spiking().quantizer("key_states"));
        valueSpike = addChildBlock("value_spike", config.spiking().quantizer("value_states"));
        if (config.spiking().sharesQkvAlpha() && query.getNeuron() instanceof AbstractElasticSpikingBlock q) {
            ((AbstractElasticSpikingBlock) key.getNeuron()).shareAmplitudeOf(q);
            ((AbstractElasticSpikingBlock) value.getNeuron()).shareAmplitudeOf(q);
        }
    }

    static SpikingLinear spikingLinear(SpikeBertConfig config, String site, int units) {
        return SpikingLinear.builder().setUnits(units).setNeuron(config.spiking().neuron(site)).build();
    }

    /** {@inheritDoc} */
    @Override
    public void attachMonitor(SpikeMonitor.Site site) {
        this.monitor = site;
    }

    /** Whether a monitor records this attention's Q·Kᵀ and P·V (its projections answer for themselves). */
    boolean isMonitored() {
        return monitor != null;
    }

    SpikingLinear query() {
        return query;
    }

    SpikingLinear key() {
        return key;
    }

    SpikingLinear value() {
        return value;
    }

    Block keySpike() {
        return keySpike;
    }

    Block valueSpike() {
        return valueSpike;
    }

    int numHeads() {
        return heads;
    }

    int headSize() {
        return headSize;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray mask = inputs.get(1);
        NDArray q;
        NDArray kProjected;
        NDArray vProjected;
        if (sharesInputSpikes(training)) {
            // Q, K and V neurons see the same x and, calibrated alike, spike alike: spike once. In
            // training the shared spikes gather the three projections' gradients before the window.
            NDArray spikes = query.getNeuron().forward(ps, new NDList(x), training).singletonOrThrow();
            q = query.project(ps, spikes, training);
            kProjected = key.project(ps, spikes, training);
            vProjected = value.project(ps, spikes, training);
        } else {
            q = query.forward(ps, new NDList(x), training).singletonOrThrow();
            kProjected = key.forward(ps, new NDList(x), training).singletonOrThrow();
            vProjected = value.forward(ps, new NDList(x), training).singletonOrThrow();
        }
        NDArray k = spike(keySpike, ps, new NDList(kProjected), training);
        NDArray v = spike(valueSpike, ps, new NDList(vProjected), training);

        boolean wantLogProbs = SpikeBertModel.wants(params, SpikeBertModel.OUTPUT_ATTENTION_LOG_PROBS);
        SpikeMonitor.Site site = monitor;
        if (site != null) {
            record(site, x.getShape(), k, v);
        }
        if (!training && !wantLogProbs && headSize % 16 == 0 && NativeKernels.supportsDense(q, k, v, mask)) {
            // One pass per (batch, head), straight into [T, B, L, D]: no scores tensor, no transposes.
            return new NDList(NativeKernels.attention(q, k, v, mask, heads, (float) Math.sqrt(headSize), false));
        }
        NDArray scores = ScalarOps.div(heads(q).matMul(heads(k).transpose(0, 1, 2, 4, 3)), (float) Math.sqrt(headSize));
        // Log-probabilities, not probabilities, for distillation: a KL term then never takes log 0.
        NDArray logProbs = wantLogProbs ? scores.add(mask).logSoftmax(-1) : null;
        NDArray probs = wantLogProbs ? logProbs.exp() : scores.add(mask).softmax(-1);
        probs = Dropout.dropout(probs, dropout, training).singletonOrThrow();
        NDArray context = probs.matMul(heads(v));

        Shape s = x.getShape();
        NDList out = new NDList(context.transpose(0, 1, 3, 2, 4).reshape(s));
        return wantLogProbs ? out.addAll(new NDList(logProbs)) : out;
    }

    private boolean sharesInputSpikes(boolean training) {
        if (!(query.getNeuron() instanceof AbstractElasticSpikingBlock)) {
            return false;
        }
        AbstractElasticSpikingBlock q = (AbstractElasticSpikingBlock) query.getNeuron();
        return key.getNeuron() instanceof AbstractElasticSpikingBlock
                && value.getNeuron() instanceof AbstractElasticSpikingBlock
                && q.sameSpikesAs((AbstractElasticSpikingBlock) key.getNeuron(), training)
                && q.sameSpikesAs((AbstractElasticSpikingBlock) value.getNeuron(), training);
    }

    /** Spikes a projection made only for this: the quantiser may overwrite it. */
    private static NDArray spike(Block quantizer, ParameterStore ps, NDList projected, boolean training) {
        return quantizer.forward(ps, projected, training, SpikingNeuron.inputOwned()).singletonOrThrow();
    }

    /** [T, B, L, D] → [T, B, H, L, d]. */
    private NDArray heads(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), s.get(2), heads, headSize).transpose(0, 1, 3, 2, 4);
    }

    private void record(SpikeMonitor.Site site, Shape shape, NDArray k, NDArray v) {
        long length = shape.get(2);
        long perProduct = shape.get(1) * length * length * shape.get(3); // B·L·L·D, one pass
        recordProduct(site, keySpike, k, perProduct, length, shape.get(0));
        recordProduct(site, valueSpike, v, perProduct, length, shape.get(0));
    }

    /** A spiked operand costs one accumulate per non-zero entry and query; a real one MACs. */
    private static void recordProduct(
            SpikeMonitor.Site site, Block quantizer, NDArray operand, long macs, long queries, long steps) {
        if (quantizer instanceof SpikingNeuron) {
            long nonZero = SpikeCounts.nonZero(operand);
            site.recordSynapticOps(macs, nonZero * queries);
        } else {
            site.recordRealValuedMacs(macs, macs * steps);
        }
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (var child : children.values()) {
            child.initialize(manager, dataType, inputShapes[0]);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
