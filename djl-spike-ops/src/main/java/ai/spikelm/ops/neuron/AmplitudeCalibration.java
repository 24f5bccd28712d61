package ai.spikelm.ops.neuron;

import ai.djl.ndarray.NDArray;

/**
 * How an amplitude α_t is chosen from the membrane u_t of the first batch that passes through an
 * uncalibrated neuron.
 *
 * <p>A neuron fires when |u| &gt; α/2, so α sets the firing rate. {@link #meanAbs(float)} is the
 * reference rule α = k·mean|u| (k = 2 by default), under which the firing rate follows the shape
 * of the input distribution rather than its scale (about 0.42 for Gaussian input at k = 2). {@link
 * #targetFiringRate(float)} instead places the threshold at the quantile of |u| that makes the
 * calibration batch fire at the given rate; this is how a user trades accuracy for energy.
 *
 * <p>Results are floored at {@link #MIN_AMPLITUDE} by the neuron.
 */
public interface AmplitudeCalibration {

    /** The smallest amplitude a neuron keeps, as in the reference code. */
    float MIN_AMPLITUDE = 1e-5f;

    /** The reference rule, α = 2·mean|u|. */
    AmplitudeCalibration DEFAULT = meanAbs(2f);

    /**
     * Computes α for one time step.
     *
     * @param membrane u_t, detached
     * @return α as a scalar array (not yet floored)
     */
    NDArray amplitude(NDArray membrane);

    /**
     * Returns the rule α = k·mean|u|.
     *
     * @param k the multiplier; must be positive and finite
     * @return the rule
     * @throws IllegalArgumentException if k is not positive and finite
     */
    static AmplitudeCalibration meanAbs(float k) {
        if (!(k > 0f) || Float.isInfinite(k)) {
            throw new IllegalArgumentException("Amplitude multiplier k must be positive, got " + k);
        }
        return new AmplitudeCalibration() {
            @Override
            public NDArray amplitude(NDArray membrane) {
                return membrane.abs().mean().mul(k);
            }

            @Override
            public String toString() {
                return "meanAbs(k=" + k + ")";
            }
        };
    }

    /**
     * Returns the rule that makes the calibration batch fire at {@code rate}: the threshold α/2 is
     * set midway between the largest |u| that must stay silent and the smallest that must fire.
     *
     * @param rate the wanted fraction of non-zero spikes, in (0, 1)
     * @return the rule
     * @throws IllegalArgumentException if rate is not in (0, 1)
     */
    static AmplitudeCalibration targetFiringRate(float rate) {
        if (!(rate > 0f && rate < 1f)) {
            throw new IllegalArgumentException("Target firing rate must be in (0, 1), got " + rate);
        }
        return new AmplitudeCalibration() {
            @Override
            public NDArray amplitude(NDArray membrane) {
                NDArray sorted = membrane.abs().flatten().sort();
                long n = sorted.size();
                long firing = Math.round((double) rate * n);
                if (firing == 0) {
                    return sorted.get(n - 1).mul(2f);
                }
                if (firing == n) {
                    return sorted.get(0);
                }
                NDArray silent = sorted.get(n - firing - 1);
                NDArray fires = sorted.get(n - firing);
                return silent.add(fires); // α = 2·midpoint
            }

            @Override
            public String toString() {
                return "targetFiringRate(" + rate + ")";
            }
        };
    }
}
