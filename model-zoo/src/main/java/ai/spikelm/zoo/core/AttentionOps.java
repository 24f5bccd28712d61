package ai.spikelm.zoo.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.spikelm.ops.neuron.SpikingNeuron;
import ai.spikelm.ops.stats.SpikeCounts;
import ai.spikelm.ops.stats.SpikeMonitor;

/**
 * Steps that the multi-head attention blocks of the decoder families (GPT-2 and BART) perform alike
 * on {@code [T, B, ...]} arrays: splitting heads and counting the operations of the two attention
 * products for the {@link SpikeMonitor}. Kept as static functions rather than a base block because
 * the blocks' projections, scaling and inputs differ.
 */
public final class AttentionOps {

    private AttentionOps() {}

    /**
     * Splits the hidden size into heads: {@code [T, B, L, D] → [T, B, H, L, d]}.
     *
     * @param x {@code [T, B, L, D]}
     * @param heads H
     * @param headSize d = D / H
     * @return {@code [T, B, H, L, d]}
     */
    public static NDArray splitHeads(NDArray x, int heads, int headSize) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), s.get(2), heads, headSize).transpose(0, 1, 3, 2, 4);
    }

    /**
     * Records Q·Kᵀ and P·V of one pass: B·L·S·D MACs each for L queries against S keys. A product
     * whose operand is spiked (its quantizer a {@link SpikingNeuron}) costs one accumulate per
     * non-zero entry and query instead; a real operand costs its MACs on every time step.
     *
     * @param site the monitor site of the attention block
     * @param x the shape of the block's input {@code [T, B, L, D]}
     * @param keySpike the keys' quantizer
     * @param k the keys attended to {@code [T, B, H, S, d]}
     * @param valueSpike the values' quantizer
     * @param v the values {@code [T, B, H, S, d]}
     * @param dim D
     */
    public static void recordProducts(
            SpikeMonitor.Site site, Shape x, Block keySpike, NDArray k, Block valueSpike, NDArray v, int dim) {
        long queries = x.get(2);
        long keys = k.getShape().get(3);
        long macs = x.get(1) * queries * keys * dim;
        recordProduct(site, keySpike, k, macs, queries, x.get(0));
        recordProduct(site, valueSpike, v, macs, queries, x.get(0));
    }

    private static void recordProduct(
            SpikeMonitor.Site site, Block quantizer, NDArray operand, long macs, long queries, long steps) {
        if (quantizer instanceof SpikingNeuron) {
            site.recordSynapticOps(macs, SpikeCounts.nonZero(operand) * queries);
        } else {
            site.recordRealValuedMacs(macs, macs * steps);
        }
    }
}
