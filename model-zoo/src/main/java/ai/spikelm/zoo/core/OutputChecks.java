package ai.spikelm.zoo.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Checks every model family runs on its output once per forward pass. */
public final class OutputChecks {

    private OutputChecks() {}

    /**
     * Fails on NaN or infinite values. Neurons built by {@link SpikingConfig} skip their own
     * per-call check: NaN and infinity propagate to the output, so one check there sees them.
     *
     * @param hidden the output
     * @param family the model family, for the message ("SpikeLM-BERT")
     * @throws IllegalStateException if the output has a NaN or an infinite value
     */
    public static void requireFinite(NDArray hidden, String family) {
        try (NDManager scope = hidden.getManager().newSubManager()) {
            NDArray sum = hidden.sum();
            sum.attach(scope);
            if (!Float.isFinite(sum.getFloat())) {
                throw new IllegalStateException(
                        family + " produced NaN or infinite hidden states: the weights or the amplitudes are corrupt");
            }
        }
    }
}
