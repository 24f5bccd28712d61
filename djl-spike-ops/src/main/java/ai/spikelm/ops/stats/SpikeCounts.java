package ai.spikelm.ops.stats;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** Counting non-zero spikes without leaving full-size temporaries in the caller's manager. */
public final class SpikeCounts {

    private SpikeCounts() {}

    /**
     * Returns the number of non-zero entries.
     *
     * @param spikes any array
     * @return the count
     */
    public static long nonZero(NDArray spikes) {
        try (NDManager scope = spikes.getManager().newSubManager()) {
            return trues(in(scope, spikes.neq(0f)), scope);
        }
    }

    /**
     * Returns how many entries of time steps 1..T−1 have another sign than the same entry at the
     * step before: what a product on the changes of the spikes between steps would add.
     *
     * @param spikes {@code [T, ...]}
     * @return the count (0 for T = 1)
     */
    public static long changedBetweenSteps(NDArray spikes) {
        long steps = spikes.getShape().get(0);
        if (steps < 2) {
            return 0;
        }
        try (NDManager scope = spikes.getManager().newSubManager()) {
            NDArray sign = in(scope, spikes.sign());
            return trues(in(scope, in(scope, sign.get("1:")).neq(in(scope, sign.get(":-1")))), scope);
        }
    }

    /** Moves a temporary into the scope that closes it. */
    private static NDArray in(NDManager scope, NDArray temporary) {
        temporary.attach(scope);
        return temporary;
    }

    /** The number of true entries of a boolean mask, its temporaries in {@code scope}. */
    private static long trues(NDArray mask, NDManager scope) {
        return in(scope, in(scope, mask.toType(DataType.INT64, false)).sum()).getLong();
    }
}
