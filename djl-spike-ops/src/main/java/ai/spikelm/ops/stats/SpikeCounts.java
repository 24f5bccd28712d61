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
}
