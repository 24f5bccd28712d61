package ai.spikelm.zoo.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/** How token vectors {@code [B, L, D]} become one vector per sequence {@code [B, D]}. */
public enum Pooling {
    /** Mean of the real tokens (sentence-transformers' default). */
    MEAN,
    /** The first token ([CLS]). */
    CLS,
    /** Element-wise maximum over the real tokens. */
    MAX,
    /** Sum of the real tokens divided by the square root of their count. */
    MEAN_SQRT_LEN;

    /**
     * Parses a name such as {@code mean} or {@code mean_sqrt_len}.
     *
     * @param name the name, case-insensitive
     * @return the pooling
     * @throws IllegalArgumentException for an unknown name
     */
    public static Pooling of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown pooling '" + name + "'; use mean, cls, max or mean_sqrt_len", e);
        }
    }

    /**
     * Pools token vectors.
     *
     * @param hidden {@code [B, L, D]}
     * @param mask {@code [B, L, 1]} as floats, 1 for real tokens
     * @param normalize whether to L2-normalise the result
     * @return {@code [B, D]}
     */
    public NDArray apply(NDArray hidden, NDArray mask, boolean normalize) {
        NDArray pooled;
        switch (this) {
            case CLS:
                pooled = hidden.get(":, 0, :");
                break;
            case MAX:
                pooled = hidden.add(mask.sub(1f).mul(1e9f)).max(new int[] {1});
                break;
            case MEAN_SQRT_LEN:
                pooled = hidden.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).sqrt());
                break;
            default:
                pooled = hidden.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}));
        }
        return normalize ? pooled.div(pooled.norm(new int[] {1}, true).maximum(1e-12f)) : pooled;
    }

    /**
     * Pools a batch given its attention mask and copies the result out: the one step from encoder
     * output to sentence vectors that the embedding translator and the sentence embedder share.
     * The arrays it creates belong to {@code hidden}'s manager.
     *
     * @param hidden {@code [B, L, D]} token vectors
     * @param attentionMask {@code [B][L]}, 1 for real tokens and 0 for padding
     * @param normalize whether to L2-normalise each vector
     * @return B vectors of D values, in batch order
     */
    public float[][] vectors(NDArray hidden, long[][] attentionMask, boolean normalize) {
        NDArray mask = hidden.getManager().create(attentionMask).toType(DataType.FLOAT32, false).expandDims(2);
        NDArray pooled = apply(hidden, mask, normalize);
        int dimension = Math.toIntExact(pooled.getShape().get(1));
        // One copy out of the engine, then split: a copy per row would cross the JNI boundary B times.
        float[] flat = pooled.toFloatArray();
        float[][] out = new float[attentionMask.length][dimension];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(flat, i * dimension, out[i], 0, dimension);
        }
        return out;
    }
}
