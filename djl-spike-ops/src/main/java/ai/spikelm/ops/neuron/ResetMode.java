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
        NDArray carry(AbstractElasticSpikingBlock.Step previous, float decay) {
            // τ·u·(α − o) = u·(τα − τo): the scalar factor is folded into the small operand.
            NDArray factor = previous.emitted().mul(-decay).add(previous.amplitude().mul(decay));
            return previous.membrane().mul(factor);
        }

        @Override
        void nextMembrane(float[] u, float[] e, float[] x, int len, float decay, float amplitude) {
            float decayTimesAmplitude = decay * amplitude; // rounded to float32 as amplitude.mul(decay) rounds it
            for (int i = 0; i < len; i++) {
                u[i] = (e[i] * -decay + decayTimesAmplitude) * u[i] + x[i];
            }
        }
    },
    /** Symmetric hard reset: u ← τ·(1 − |s|)·u + x. */
    HARD {
        @Override
        NDArray carry(AbstractElasticSpikingBlock.Step previous, float decay) {
            return previous.membrane().mul(previous.spike().abs().mul(-decay).add(decay));
        }

        @Override
        void nextMembrane(float[] u, float[] e, float[] x, int len, float decay, float amplitude) {
            for (int i = 0; i < len; i++) {
                float spike = e[i] / amplitude; // exact: o = α·s with s ∈ {−1, 0, 1}
                u[i] = (spike * spike * -decay + decay) * u[i] + x[i]; // s² = |s|
            }
        }
    },
    /** Soft reset by subtraction: u ← τ·(u − o) + x. */
    SOFT {
        @Override
        NDArray carry(AbstractElasticSpikingBlock.Step previous, float decay) {
            return ScalarOps.mul(previous.membrane().sub(previous.emitted()), decay);
        }

        @Override
        void nextMembrane(float[] u, float[] e, float[] x, int len, float decay, float amplitude) {
            for (int i = 0; i < len; i++) {
                u[i] = (u[i] - e[i]) * decay + x[i];
            }
        }
    };

    /**
     * Returns the part of the next membrane that comes from the previous step (the new input is
     * added by the caller).
     *
     * @param previous the previous step: membrane (gradients flow through it), detached spike,
     *     amplitude and emitted spike
     * @param decay τ
     * @return the carried membrane
     */
    abstract NDArray carry(AbstractElasticSpikingBlock.Step previous, float decay);

    /**
     * The inference form of {@link #carry} on one chunk of float32s, plus the new input: u ←
     * carry(u) + x for the first {@code len} elements. The arithmetic is the generic path's, in the
     * same order, so the result is the same bits.
     *
     * @param u u_{t−1}, replaced by u_t
     * @param e o_{t−1} = α_{t−1}·s_{t−1}
     * @param x x_t
     * @param len elements
     * @param decay τ
     * @param amplitude α_{t−1}
     */
    abstract void nextMembrane(float[] u, float[] e, float[] x, int len, float decay, float amplitude);
}
