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
            NDArray mask = spikes.neq(0f);
            mask.attach(scope);
            NDArray counts = mask.toType(DataType.INT64, false);
            counts.attach(scope);
            NDArray sum = counts.sum();
            sum.attach(scope);
            return sum.getLong();
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
            NDArray sign = spikes.sign();
            sign.attach(scope);
            NDArray later = sign.get("1:");
            later.attach(scope);
            NDArray earlier = sign.get(":-1");
            earlier.attach(scope);
            NDArray changed = later.neq(earlier);
            changed.attach(scope);
            NDArray counts = changed.toType(DataType.INT64, false);
            counts.attach(scope);
            NDArray sum = counts.sum();
            sum.attach(scope);
            return sum.getLong();
        }
    }
}
