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
        NDArray carryInPlace(NDArray membrane, NDArray emitted, CarryScalars k) {
            return emitted.mul(k.negativeDecay()).addi(k.decayTimesAmplitude()).muli(membrane);
        }
    },
    /** Symmetric hard reset: u ← τ·(1 − |s|)·u + x. */
    HARD {
        @Override
        NDArray carry(AbstractElasticSpikingBlock.Step previous, float decay) {
            return previous.membrane().mul(previous.spike().abs().mul(-decay).add(decay));
        }

        @Override
        NDArray carryInPlace(NDArray membrane, NDArray emitted, CarryScalars k) {
            NDArray spike = emitted.sign(); // s, as α > 0
            return spike.muli(spike).muli(k.negativeDecay()).addi(k.decay()).muli(membrane); // s² = |s|
        }
    },
    /** Soft reset by subtraction: u ← τ·(u − o) + x. */
    SOFT {
        @Override
        NDArray carry(AbstractElasticSpikingBlock.Step previous, float decay) {
            return ScalarOps.mul(previous.membrane().sub(previous.emitted()), decay);
        }

        @Override
        NDArray carryInPlace(NDArray membrane, NDArray emitted, CarryScalars k) {
            return membrane.sub(emitted).muli(k.decay());
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
     * The inference form of {@link #carry}: the same arithmetic, in the same order (so the same
     * bits), into one new array that is then updated in place.
     *
     * @param membrane u_{t−1}, not modified
     * @param emitted o_{t−1} = α_{t−1}·s_{t−1}, not modified
     * @param k the scalars of step t−1
     * @return the carried membrane, a new array the caller owns
     */
    abstract NDArray carryInPlace(NDArray membrane, NDArray emitted, CarryScalars k);

    /**
     * The scalar operands of one step's carry, as engine-owned 0-d arrays.
     *
     * @param decay τ
     * @param negativeDecay −τ
     * @param decayTimesAmplitude τ·α_{t−1}, rounded to float32 as the generic path rounds it
     */
    record CarryScalars(NDArray decay, NDArray negativeDecay, NDArray decayTimesAmplitude) {}
}
