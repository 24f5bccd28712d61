package ai.spikelm.ops.stats;

import java.util.List;

/**
 * Analytic multiply-accumulate counts of a standard transformer layer (post- or pre-norm, softmax
 * attention, two-layer feed-forward network), for one sequence.
 *
 * <p>The number of heads does not change the count: QKᵀ and PV cost L·L·d_head per head, L·L·D in
 * all. Normalisations, softmax and activations are not counted.
 */
public final class TransformerCost {

    private TransformerCost() {}

    /**
     * One named matrix product and its MACs.
     *
     * @param name what the product is
     * @param macs its multiply-accumulates
     */
    public record Matmul(String name, long macs) {}

    /**
     * Returns the matrix products of one self-attention + feed-forward layer.
     *
     * @param sequenceLength L
     * @param hidden D
     * @param intermediate the feed-forward width
     * @return the products: Q/K/V projections, QKᵀ + PV, attention output, feed-forward
     */
    public static List<Matmul> layer(long sequenceLength, long hidden, long intermediate) {
        long l = sequenceLength;
        return List.of(
                new Matmul("qkv", Math.multiplyExact(3 * l, hidden * hidden)),
                new Matmul("attention", Math.multiplyExact(2 * l * l, hidden)),
                new Matmul("attention_output", Math.multiplyExact(l, hidden * hidden)),
                new Matmul("ffn", Math.multiplyExact(2 * l, hidden * intermediate)));
    }

    /**
     * Returns the MACs of a stack of identical layers.
     *
     * @param layers the number of layers
     * @param sequenceLength L
     * @param hidden D
     * @param intermediate the feed-forward width
     * @return the total MAC count
     */
    public static long encoderMacs(int layers, long sequenceLength, long hidden, long intermediate) {
        long perLayer = layer(sequenceLength, hidden, intermediate).stream().mapToLong(Matmul::macs).sum();
        return Math.multiplyExact(perLayer, layers);
    }
}
