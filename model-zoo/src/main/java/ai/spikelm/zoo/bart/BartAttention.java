package ai.spikelm.zoo.bart;

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
import ai.spikelm.ops.nn.SpikingLinear;
import ai.spikelm.ops.stats.MonitoredBlock;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.core.AttentionOps;
import ai.spikelm.zoo.core.KeyValueCache;

/**
 * Spiking multi-head attention of BART ({@code self_attn} or the decoder's {@code encoder_attn}),
 * every time step in parallel:
 *
 * <pre>
 * Q = q_proj(x) · 1/√d                     spiking linear; Q stays real (scaled as in Hugging Face)
 * K = key_spike(k_proj(kv)), V = value_spike(v_proj(kv))   spiking linears, then single-step ternary quantisers
 * context = dropout(softmax(Q·Kᵀ + mask)) · V               real softmax and mask
 * out = out_proj(context)                   spiking linear
 * </pre>
 *
 * <p>Self-attention ({@code kv = x}) takes {@code x [T, B, L, D]}, the additive mask {@code [B or 1,
 * 1, L, P + L]} and optionally the cached keys and values {@code [T, B, H, P, d]} of P earlier
 * positions; it returns the output {@code [T, B, L, D]} and the keys and values of all P + L
 * positions (the next call's cache). Cross-attention takes {@code x}, the source mask {@code [B or
 * 1, 1, 1, S]} and the keys and values {@link #keyValues projected once} from the encoder output;
 * it returns the output alone. Spikes depend only on their own position and time step, so cached
 * keys and values equal a full recompute. Linear weights are {@code [out, in]} ({@code nn.Linear}).
 */
public class BartAttention extends AbstractBlock implements MonitoredBlock {

    private final boolean cross;
    private final int heads;
    private final int headSize;
    private final int dim;
    private final float scaling;
    private final float dropout;
    private final SpikingLinear qProj;
    private final SpikingLinear kProj;
    private final SpikingLinear vProj;
    private final SpikingLinear outProj;
    private final Block keySpike;
    private final Block valueSpike;
    private volatile SpikeMonitor.Site monitor;

    /**
     * Creates the attention.
     *
     * @param config the model config
     * @param heads the number of heads (encoder_ or decoder_attention_heads)
     * @param cross true for the decoder's cross-attention ({@code encoder_attn}), false for
     *     self-attention ({@code self_attn})
     */
    @SuppressWarnings("this-escape")
    public BartAttention(SpikeBartConfig config, int heads, boolean cross) {
        this.cross = cross;
        this.heads = heads;
        this.dim = config.dModel();
        this.headSize = dim / heads;
        this.scaling = (float) (1 / Math.sqrt(headSize));
        this.dropout = config.attentionDropout();
        String site = cross ? "encoder_attn." : "self_attn.";
        qProj = addChildBlock("q_proj", BartLayers.linear(config, site + "q_proj", dim));
        kProj = addChildBlock("k_proj", BartLayers.linear(config, site + "k_proj", dim));
        vProj = addChildBlock("v_proj", BartLayers.linear(config, site + "v_proj", dim));
        outProj = addChildBlock("out_proj", BartLayers.linear(config, site + "out_proj", dim));
        keySpike = addChildBlock("key_spike", config.spiking().quantizer(site + "key_states"));
        valueSpike = addChildBlock("value_spike", config.spiking().quantizer(site + "value_states"));
    }

    /** {@inheritDoc} */
    @Override
    public void attachMonitor(SpikeMonitor.Site site) {
        this.monitor = site;
    }

    /**
     * Projects and spikes the keys and values of a sequence: what cross-attention attends to (the
     * encoder output repeated over T), computed once per source.
     *
     * @param ps the parameter store
     * @param kv {@code [T, B, S, D]}
     * @param training whether training
     * @return the spiked keys and values {@code [T, B, H, S, d]}
     */
    public NDList keyValues(ParameterStore ps, NDArray kv, boolean training) {
        NDArray k = kProj.forward(ps, new NDList(kv), training).singletonOrThrow();
        NDArray v = vProj.forward(ps, new NDList(kv), training).singletonOrThrow();
        k = keySpike.forward(ps, new NDList(k), training).singletonOrThrow();
        v = valueSpike.forward(ps, new NDList(v), training).singletonOrThrow();
        return new NDList(heads(k), heads(v));
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (cross ? inputs.size() != 4 : inputs.size() != 2 && inputs.size() != 4) {
            throw new IllegalArgumentException(
                    (cross ? "Cross-attention takes x, mask, keys, values" : "Self-attention takes x, mask [, past keys, past values]")
                            + ", got " + inputs.size() + " arrays");
        }
        NDArray x = inputs.get(0);
        NDArray mask = inputs.get(1);
        Shape s = x.getShape();
        NDArray q = heads(ScalarOps.mul(qProj.forward(ps, new NDList(x), training).singletonOrThrow(), scaling));
        NDArray k;
        NDArray v;
        if (cross) {
            k = inputs.get(2);
            v = inputs.get(3);
        } else {
            NDList kv = keyValues(ps, x, training);
            k = kv.get(0);
            v = kv.get(1);
            if (inputs.size() == 4) {
                k = KeyValueCache.withPast(inputs.get(2), k, x.getManager());
                v = KeyValueCache.withPast(inputs.get(3), v, x.getManager());
            }
        }
        NDArray probs = q.matMul(k.transpose(0, 1, 2, 4, 3)).add(mask).softmax(-1);
        probs = Dropout.dropout(probs, dropout, training).singletonOrThrow();
        NDArray context = probs.matMul(v).transpose(0, 1, 3, 2, 4).reshape(s);
        NDArray out = outProj.forward(ps, new NDList(context), training).singletonOrThrow();

        SpikeMonitor.Site site = monitor;
        if (site != null) {
            AttentionOps.recordProducts(site, s, keySpike, k, valueSpike, v, dim);
        }
        return cross ? new NDList(out) : new NDList(out, k, v);
    }

    /** [T, B, L, D] → [T, B, H, L, d]. */
    private NDArray heads(NDArray x) {
        return AttentionOps.splitHeads(x, heads, headSize);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        for (Block child : new Block[] {qProj, kProj, vProj, keySpike, valueSpike, outProj}) {
            child.initialize(manager, dataType, x);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        if (cross) {
            return new Shape[] {x};
        }
        Shape kv = new Shape(x.get(0), x.get(1), heads, x.get(2), headSize);
        return new Shape[] {x, kv, kv};
    }
}
