package ai.spikelm.ops.neuron;

import ai.djl.ndarray.NDArray;
import ai.spikelm.ops.ScalarOps;

/**
 * How the membrane of an {@link ElasticBiSpikingNeuron} is carried from one time step to the next.
 *
 * <p>With decay τ, previous membrane u, previous ternary spike s ∈ {-1, 0, 1}, previous amplitude
 * α and emitted spike o = α·s (both detached), and the new input x:
 *
 * <ul>
 *   <li>{@link #REFERENCE}: u ← τ·u·(α − o) + x, the rule of the released SpikeLM code (asymmetric:
 *       cleared after +1, scaled by τα after 0, by 2τα after −1).
 *   <li>{@link #HARD}: u ← τ·(1 − |s|)·u + x, cleared after any spike.
 *   <li>{@link #SOFT}: u ← τ·(u − o) + x, the spike is subtracted.
 * </ul>
 */
public enum ResetMode {
    /** The released reference code's rule: u ← τ·u·(α − o) + x. */
    REFERENCE {
        @Override
        NDArray carry(NDArray u, NDArray spike, NDArray alpha, float decay) {
            NDArray emitted = spike.mul(alpha);
            return ScalarOps.mul(u.mul(alpha.sub(emitted)), decay);
        }
    },
    /** Symmetric hard reset: u ← τ·(1 − |s|)·u + x. */
    HARD {
        @Override
        NDArray carry(NDArray u, NDArray spike, NDArray alpha, float decay) {
            return ScalarOps.mul(u.mul(spike.abs().neg().add(1f)), decay);
        }
    },
    /** Soft reset by subtraction: u ← τ·(u − o) + x. */
    SOFT {
        @Override
        NDArray carry(NDArray u, NDArray spike, NDArray alpha, float decay) {
            return ScalarOps.mul(u.sub(spike.mul(alpha)), decay);
        }
    };

    /**
     * Returns the part of the next membrane that comes from the previous step (the new input is
     * added by the caller).
     *
     * @param u the previous membrane (gradients flow through it)
     * @param spike the previous ternary spike s, detached
     * @param alpha the previous amplitude, a detached scalar
     * @param decay τ
     * @return the carried membrane
     */
    abstract NDArray carry(NDArray u, NDArray spike, NDArray alpha, float decay);
}
