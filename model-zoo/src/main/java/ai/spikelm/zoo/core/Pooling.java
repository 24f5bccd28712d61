package ai.spikelm.zoo.core;

import ai.djl.ndarray.NDArray;
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
}
