package ai.spikelm.ops.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.spikelm.ops.stats.SpikeCounts;
import ai.spikelm.ops.stats.SpikeMonitor;

/** Input checks and spike accounting shared by the neurons. */
final class NeuronSupport {

    private NeuronSupport() {}

    static int requireTimeSteps(int timeSteps) {
        if (timeSteps < 1) {
            throw new IllegalArgumentException("Time steps T must be at least 1, got " + timeSteps);
        }
        return timeSteps;
    }

    static float requireFiniteNonNegative(float value, String name) {
        if (!(value >= 0f) || Float.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
        }
        return value;
    }

    /**
     * Checks the leading time axis and, when asked, that every value is finite: a NaN membrane
     * would silently emit no spikes, which is worse than failing.
     */
    static void checkInput(String block, NDArray input, int timeSteps, boolean requireFinite) {
        if (input.getShape().dimension() < 2 || input.getShape().get(0) != timeSteps) {
            throw new IllegalArgumentException(
                    block
                            + " expects input [T, ...] with a leading time axis of size T="
                            + timeSteps
                            + ", got shape "
                            + input.getShape());
        }
        if (requireFinite && !isFinite(input)) {
            throw new IllegalArgumentException(block + " input contains NaN or infinite values");
        }
    }

    /**
     * One reduction tells: a NaN or an infinity makes the sum non-finite. (A sum can only overflow
     * from values near 1e38, which are garbage as activations anyway.)
     */
    static boolean isFinite(NDArray input) {
        try (NDManager scope = input.getManager().newSubManager()) {
            NDArray sum = input.sum();
            sum.attach(scope);
            return Float.isFinite(sum.getFloat());
        }
    }

    /** Records the non-zero count of each step's spikes. */
    static void recordSpikes(SpikeMonitor.Site site, NDList spikesPerStep) {
        long[] nonZero = new long[spikesPerStep.size()];
        for (int t = 0; t < nonZero.length; t++) {
            nonZero[t] = SpikeCounts.nonZero(spikesPerStep.get(t));
        }
        site.recordSpikes(nonZero, spikesPerStep.get(0).size());
    }
}
