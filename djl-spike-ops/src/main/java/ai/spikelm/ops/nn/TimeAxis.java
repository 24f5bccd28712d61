package ai.spikelm.ops.nn;

import ai.djl.ndarray.NDArray;

/**
 * The leading time axis of spiking models: inputs are repeated over T steps on the way in and
 * outputs averaged over them on the way out.
 */
public final class TimeAxis {

    private TimeAxis() {}

    /**
     * Repeats {@code x} T times along a new leading axis.
     *
     * @param x any array {@code [...]}
     * @param timeSteps T, at least 1
     * @return {@code [T, ...]} (a view of x when T = 1)
     */
    public static NDArray repeat(NDArray x, int timeSteps) {
        if (timeSteps < 1) {
            throw new IllegalArgumentException("Time steps T must be at least 1, got " + timeSteps);
        }
        // One step is a view: no copy of the embeddings for an ANN or T = 1.
        return timeSteps == 1 ? x.expandDims(0) : x.expandDims(0).repeat(0, timeSteps);
    }

    /**
     * Averages over the leading time axis.
     *
     * @param x {@code [T, ...]}
     * @return {@code [...]} (a view of x when T = 1)
     */
    public static NDArray mean(NDArray x) {
        return x.getShape().get(0) == 1 ? x.squeeze(0) : x.mean(new int[] {0});
    }
}
