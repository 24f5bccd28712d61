package ai.spikelm.zoo.gpt2;

import static ai.spikelm.zoo.gpt2.Gpt2Layers.conv1d;

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
import ai.spikelm.ops.nn.SpikingLinear;
import ai.spikelm.ops.stats.MonitoredBlock;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.core.AttentionOps;
import ai.spikelm.zoo.core.KeyValueCache;

/**
 * Spiking causal self-attention ({@code attn}), every time step in parallel:
 *
 * <pre>
 * Q, K, V = split(c_attn(x))               one spiking Conv1D D → 3D on the shared input
 * K = key_spike(K), V = value_spike(V)     single-step ternary quantisers; Q stays real
 * K, V = concat(past K, K), concat(past V, V) along the positions (when decoding with a cache)
 * context = dropout(softmax(Q·Kᵀ/√d + mask)) · V      real softmax, causal mask
 * out = dropout(c_proj(context))           spiking Conv1D D → D
 * </pre>
 *
 * <p>The three projections of SpikeLM-BERT are fused here as in GPT-2, so one neuron ({@code
 * c_attn.neuron}) spikes the input they share; with the default calibration α = k·mean|u| three
 * separate neurons on that same input would be identical.
 *
 * <p>Inputs: {@code x [T, B, L, D]}, the additive mask {@code [B or 1, 1, L, P + L]} and optionally
 * the cached {@code keys, values [T, B, H, P, d]} of the P earlier positions. Outputs: {@code [T,
 * B, L, D]} and the keys and values of all P + L positions (spiked, per time step), the next
 * call's cache. Spikes depend only on their own position and time step (neurons run over T, not
 * over positions), so cached keys and values equal those a full recompute would produce.
 */
public class Gpt2Attention extends AbstractBlock implements MonitoredBlock {

    private final int heads;
    private final int headSize;
    private final int dim;
    private final float dropout;
    private final float residDropout;
    private final SpikingLinear cAttn;
    private final SpikingLinear cProj;
    private final Block keySpike;
    private final Block valueSpike;
    private volatile SpikeMonitor.Site monitor;

    /**
     * Creates the attention.
     *
     * @param config the model config
     */
    @SuppressWarnings("this-escape")
    public Gpt2Attention(SpikeGpt2Config config) {
        heads = config.nHead();
        headSize = config.headSize();
        dim = config.nEmbd();
        dropout = config.attnPdrop();
        residDropout = config.residPdrop();
        cAttn = addChildBlock("c_attn", conv1d(3L * dim, config.spiking().neuron("attn.c_attn")));
        cProj = addChildBlock("c_proj", conv1d(dim, config.spiking().neuron("attn.c_proj")));
        keySpike = addChildBlock("key_spike", config.spiking().quantizer("attn.key_states"));
        valueSpike = addChildBlock("value_spike", config.spiking().quantizer("attn.value_states"));
    }

    /** {@inheritDoc} */
    @Override
    public void attachMonitor(SpikeMonitor.Site site) {
        this.monitor = site;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 2 && inputs.size() != 4) {
            throw new IllegalArgumentException(
                    "Gpt2Attention takes x, mask [, past keys, past values], got " + inputs.size() + " arrays");
        }
        NDArray x = inputs.get(0);
        NDArray mask = inputs.get(1);
        Shape s = x.getShape();
        NDList qkv = cAttn.forward(ps, new NDList(x), training).singletonOrThrow().split(3, s.dimension() - 1);
        NDArray q = heads(qkv.get(0));
        NDArray k = heads(keySpike.forward(ps, new NDList(qkv.get(1)), training).singletonOrThrow());
        NDArray v = heads(valueSpike.forward(ps, new NDList(qkv.get(2)), training).singletonOrThrow());
        if (inputs.size() == 4) {
            k = KeyValueCache.withPast(inputs.get(2), k, x.getManager());
            v = KeyValueCache.withPast(inputs.get(3), v, x.getManager());
        }

        NDArray scores = divide(q.matMul(k.transpose(0, 1, 2, 4, 3)), (float) Math.sqrt(headSize));
        NDArray probs = scores.add(mask).softmax(-1);
        probs = Dropout.dropout(probs, dropout, training).singletonOrThrow();
        NDArray context = probs.matMul(v).transpose(0, 1, 3, 2, 4).reshape(s);
        NDArray out = cProj.forward(ps, new NDList(context), training).singletonOrThrow();
        out = Dropout.dropout(out, residDropout, training).singletonOrThrow();

        SpikeMonitor.Site site = monitor;
        if (site != null) {
            AttentionOps.recordProducts(site, s, keySpike, k, valueSpike, v, dim);
        }
        return new NDList(out, k, v);
    }

    /**
     * x / c with the constant in engine-owned memory: DJL's {@code x.div(float)} hands PyTorch a
     * constant in a Java buffer that the garbage collector may reuse before the backward pass.
     */
    private static NDArray divide(NDArray x, float c) {
        try (NDArray constant = x.getManager().full(new Shape(), c, x.getDataType())) {
            return x.div(constant);
        }
    }

    /** [T, B, L, D] → [T, B, H, L, d]. */
    private NDArray heads(NDArray x) {
        return AttentionOps.splitHeads(x, heads, headSize);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        cAttn.initialize(manager, dataType, x);
        keySpike.initialize(manager, dataType, x);
        valueSpike.initialize(manager, dataType, x);
        cProj.initialize(manager, dataType, x);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        Shape kv = new Shape(x.get(0), x.get(1), heads, x.get(2), headSize);
        return new Shape[] {x, kv, kv};
    }
}
