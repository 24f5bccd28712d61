package ai.spikelm.ops.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * How an amplitude α_t is chosen from the membrane u_t of a calibration pass.
 *
 * <p>A neuron fires when |u| &gt; α/2, so α sets the firing rate. {@link #meanAbs(float)} is the
 * reference rule α = k·mean|u| (k = 2 by default), under which the firing rate follows the shape
 * of the input distribution rather than its scale (about 0.42 for Gaussian input at k = 2). {@link
 * #targetFiringRate(float)} instead places the threshold at the quantile of |u| that makes the
 * calibration batch fire at the given rate; this is how a user trades accuracy for energy.
 *
 * <p>Each rule is computed over the elements that count: every element of the first batch that
 * passes through an uncalibrated neuron, or only the real (unpadded) positions when a {@link
 * SpikeCalibrator} runs the pass. Results are floored at {@link #MIN_AMPLITUDE} by the neuron.
 */
public interface AmplitudeCalibration {

    /** The smallest amplitude a neuron keeps, as in the reference code. */
    float MIN_AMPLITUDE = 1e-5f;

    /** The reference rule, α = 2·mean|u|. */
    AmplitudeCalibration DEFAULT = meanAbs(2f);

    /**
     * Computes α for one time step over the elements that count.
     *
     * @param membrane u_t, detached
     * @param positions {@code null} when every element counts; otherwise 1 where an element counts
     *     and 0 where it does not (padding), FLOAT32, of the membrane's rank with each dimension
     *     either the membrane's size or 1 (broadcast), and at least one 1
     * @return α as a scalar array (not yet floored)
     */
    NDArray amplitude(NDArray membrane, NDArray positions);

    /**
     * Computes α for one time step over every element.
     *
     * @param membrane u_t, detached
     * @return α as a scalar array (not yet floored)
     */
    default NDArray amplitude(NDArray membrane) {
        return amplitude(membrane, null);
    }

    /**
     * Returns the rule α = k·mean|u|: k·Σ|u|·m / Σm over the elements, m the positions broadcast
     * over the membrane (1 everywhere when every element counts).
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
            public NDArray amplitude(NDArray membrane, NDArray positions) {
                NDArray abs = membrane.abs();
                // Summed in float64: a float32 sum depends on how the engine splits it over threads,
                // and one flipped spike in an early layer moves every later layer's α (by up to 2%
                // between 1 and 2 threads at T = 4), so a model converted on load would give other
                // vectors on a machine with another core count.
                NDArray sum = counted(abs, positions, 0f).toType(DataType.FLOAT64, false).sum();
                return sum.div((double) count(abs, positions)).mul((double) k).toType(abs.getDataType(), false);
            }

            @Override
            public String toString() {
                return "meanAbs(k=" + k + ")";
            }
        };
    }

    /**
     * Returns the rule that makes the calibration batch fire at {@code rate}: over the n elements
     * that count, the threshold α/2 is set midway between the largest |u| that must stay silent and
     * the smallest that must fire, round(rate·n) of them.
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
            public NDArray amplitude(NDArray membrane, NDArray positions) {
                NDArray abs = membrane.abs();
                // Elements that do not count become −1 and sort before every |u| ≥ 0, so the n
                // that count are the last n of the sorted array.
                NDArray sorted = counted(abs, positions, -1f).flatten().sort();
                long total = sorted.size();
                long n = count(abs, positions);
                long firing = Math.round((double) rate * n);
                if (firing == 0) {
                    return sorted.get(total - 1).mul(2f);
                }
                if (firing == n) {
                    return sorted.get(total - n);
                }
                NDArray silent = sorted.get(total - firing - 1);
                NDArray fires = sorted.get(total - firing);
                return silent.add(fires); // α = 2·midpoint
            }

            @Override
            public String toString() {
                return "targetFiringRate(" + rate + ")";
            }
        };
    }

    /**
     * Returns |u| where an element counts and {@code fill} where it does not (a select, not a
     * product, so that a non-finite value at a padded position cannot leak into α).
     */
    private static NDArray counted(NDArray abs, NDArray positions, float fill) {
        if (positions == null) {
            return abs;
        }
        NDArray counts = positions.gt(0f).broadcast(abs.getShape());
        return NDArrays.where(counts, abs, abs.getManager().full(abs.getShape(), fill, abs.getDataType()));
    }

    /** Returns the number of elements of the membrane that count. */
    private static long count(NDArray abs, NDArray positions) {
        if (positions == null) {
            return abs.size();
        }
        long perPosition = abs.size() / positions.size();
        return positions.gt(0f).toType(DataType.INT64, false).sum().getLong() * perPosition;
    }
}
