package ai.spikelm.zoo.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Additive attention masks as Hugging Face builds them: 0 where a query may see a key, the most
 * negative float elsewhere (never −∞, so a fully masked row stays finite after the softmax), added
 * to the scores before the softmax. The masks are real-valued in SpikeLM.
 */
public final class AttentionMasks {

    private AttentionMasks() {}

    /**
     * The padding mask of a bidirectional attention (an encoder, or a decoder's cross-attention):
     * {@code [B, 1, 1, S]}, 0 for real keys, the most negative float for padding.
     *
     * @param attentionMask {@code [B, S]}, non-zero for real tokens and 0 for padding
     * @return the additive mask
     */
    public static NDArray padding(NDArray attentionMask) {
        Shape s = attentionMask.getShape();
        return attentionMask.neq(0).toType(DataType.FLOAT32, false).sub(1f).mul(Float.MAX_VALUE)
                .reshape(s.get(0), 1, 1, s.get(1));
    }

    /**
     * The causal mask of L new positions after P cached ones: {@code [B or 1, 1, L, P + L]}, 0 where
     * query position P + i may see key position j (j ≤ P + i, and the key is not padding).
     *
     * @param manager the manager of the result
     * @param past P, the number of cached positions
     * @param length L, the number of new positions
     * @param attentionMask {@code [B, P + L]} (non-zero for real tokens), or null when nothing is
     *     padding
     * @return the additive mask
     */
    public static NDArray causal(NDManager manager, int past, int length, NDArray attentionMask) {
        int total = past + length;
        NDArray queries = manager.arange(past, total, 1, DataType.INT64).reshape(length, 1);
        NDArray keys = manager.arange(0, total, 1, DataType.INT64).reshape(1, total);
        NDArray allowed = keys.lte(queries);
        if (attentionMask == null) {
            allowed = allowed.reshape(1, 1, length, total);
        } else {
            long batch = attentionMask.getShape().get(0);
            NDArray keep = attentionMask.neq(0).reshape(batch, 1, total);
            allowed = allowed.expandDims(0).logicalAnd(keep).reshape(batch, 1, length, total);
        }
        return allowed.toType(DataType.FLOAT32, false).sub(1f).mul(Float.MAX_VALUE);
    }
}
