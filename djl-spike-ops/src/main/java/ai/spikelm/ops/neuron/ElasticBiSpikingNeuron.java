package ai.spikelm.ops.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * SpikeLM's elastic bi-spiking neuron: integrates its input over T time steps and emits ternary
 * spikes α_t·s_t, s_t ∈ {−1, 0, +1}.
 *
 * <pre>
 * u_0 = x_0
 * u_t = carry(u_{t−1}, s_{t−1}, α_{t−1}) + x_t      (see {@link ResetMode}, decay τ)
 * s_t = clamp(round(u_t / α_t), −1, 1)
 * o_t = α_t · s_t
 * </pre>
 *
 * <p>Gradients flow through u_{t−1}, not through s_{t−1} or α_{t−1}. See {@link ElasticSpike} for
 * the spike function's gradients and {@link AbstractElasticSpikingBlock} for calibration.
 *
 * <pre>{@code
 * ElasticBiSpikingNeuron neuron = ElasticBiSpikingNeuron.builder().setTimeSteps(4).build();
 * }</pre>
 */
public class ElasticBiSpikingNeuron extends AbstractElasticSpikingBlock {

    /** The reference decay τ. */
    public static final float DEFAULT_DECAY = 0.25f;

    private final ResetMode resetMode;
    private final float decay;

    protected ElasticBiSpikingNeuron(Builder builder) {
        super(builder);
        this.resetMode = builder.resetMode;
        this.decay = builder.decay;
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray membrane(int t, NDArray input, Step previous) {
        if (previous == null) {
            return input;
        }
        return resetMode
                .carry(previous, decay)
                .add(input);
    }

    /**
     * Inference over T steps, written straight into one output array: per step u_t is added into
     * its zeroed output slot, five in-place passes turn it into α_t·s_t, and the carry makes u_{t+1}
     * (one new array, then in place). The generic path allocates every intermediate and stacks the steps
     * at the end. (An owned input is not reused here: the recurrence would need a copy of each
     * membrane anyway.)
     *
     * <p>The work runs block by block ({@link InferenceSpikes#BLOCK} elements of every step, so only very wide steps are cut): a
     * block's membrane, carry, input and output slot stay in the core's cache through all T steps,
     * where whole-step arrays of a large layer would stream through memory ten times per step.
     */
    @Override
    NDArray infer(NDArray input, float[] alpha, boolean owned) {
        if (getClass() != ElasticBiSpikingNeuron.class) {
            return null; // a subclass may redefine membrane()
        }
        if (alpha.length == 1) {
            return InferenceSpikes.stateless(input, alpha, owned); // no step to carry a membrane into
        }
        NDManager parent = input.getManager();
        // Zeros, so that u_t lands in its slot by an in-place addition: DJL's only copy into a view
        // is index_put_, several times slower than any arithmetic pass.
        NDArray out = parent.zeros(input.getShape(), input.getDataType());
        try (NDManager scope = parent.newSubManager()) {
            StepScalars scalars = new StepScalars(new InferenceSpikes.Scalars(scope), alpha, decay);
            NDList[] x = InferenceSpikes.blocks(input, alpha.length, scope);
            NDList[] o = InferenceSpikes.blocks(out, alpha.length, scope);
            for (int b = 0; b < x[0].size(); b++) {
                if (!runBlock(x, o, b, scalars, scope)) {
                    out.close();
                    return null;
                }
            }
        }
        return out;
    }

    /**
     * Runs every step on block {@code b}: x[t].get(b) in, o[t].get(b) out.
     *
     * @return whether the block's last membrane is finite: u_{T−1} has taken in every x_t and NaN
     *     survives the carry, so this one check covers all steps
     */
    private boolean runBlock(NDList[] x, NDList[] o, int b, StepScalars k, NDManager scope) {
        try (NDManager blockScope = scope.newSubManager()) {
            NDArray u = x[0].get(b); // u_0 = x_0, read only
            for (int t = 0; t < x.length; t++) {
                NDArray emitted = o[t].get(b).addi(u); // 0 + u_t = u_t
                InferenceSpikes.spikeInPlace(emitted, k.alpha[t], k.roundingShift);
                if (t + 1 < x.length) {
                    NDArray next = resetMode.carryInPlace(u, emitted, k.carry[t]);
                    next.attach(blockScope);
                    next.addi(x[t + 1].get(b));
                    if (t > 0) {
                        u.close(); // an earlier carry: free it now so the next allocation reuses its cache lines
                    }
                    u = next;
                }
            }
            return NeuronSupport.isFinite(u);
        }
    }

    /** The scalar operands of every step, made once per call. */
    private static final class StepScalars {
        final NDArray roundingShift;
        final NDArray[] alpha;
        final ResetMode.CarryScalars[] carry;

        StepScalars(InferenceSpikes.Scalars k, float[] amplitudes, float decay) {
            roundingShift = k.roundingShift();
            NDArray decayScalar = k.of(decay);
            NDArray negativeDecay = k.of(-decay);
            alpha = new NDArray[amplitudes.length];
            carry = new ResetMode.CarryScalars[amplitudes.length];
            for (int t = 0; t < amplitudes.length; t++) {
                alpha[t] = k.of(amplitudes[t]);
                // τ·α_t rounded to float32, as the generic path's amplitude.mul(decay) rounds it
                carry[t] = new ResetMode.CarryScalars(decayScalar, negativeDecay, k.of(decay * amplitudes[t]));
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    protected boolean sameDynamics(AbstractElasticSpikingBlock other) {
        ElasticBiSpikingNeuron o = (ElasticBiSpikingNeuron) other;
        return super.sameDynamics(other) && resetMode == o.resetMode && decay == o.decay;
    }

    /**
     * Returns the reset mode.
     *
     * @return the reset mode
     */
    public ResetMode getResetMode() {
        return resetMode;
    }

    /**
     * Returns the decay τ.
     *
     * @return τ
     */
    public float getDecay() {
        return decay;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link ElasticBiSpikingNeuron}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private ResetMode resetMode = ResetMode.REFERENCE;
        private float decay = DEFAULT_DECAY;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the reset mode (default {@link ResetMode#REFERENCE}).
         *
         * @param resetMode the mode
         * @return this builder
         */
        public Builder optResetMode(ResetMode resetMode) {
            this.resetMode = java.util.Objects.requireNonNull(resetMode, "resetMode");
            return this;
        }

        /**
         * Sets the membrane decay τ (default 0.25).
         *
         * @param decay τ, finite and non-negative
         * @return this builder
         */
        public Builder optDecay(float decay) {
            this.decay = NeuronSupport.requireFiniteNonNegative(decay, "Decay τ");
            return this;
        }

        /**
         * Builds the neuron.
         *
         * @return the neuron
         * @throws IllegalArgumentException if T was not set
         */
        public ElasticBiSpikingNeuron build() {
            return new ElasticBiSpikingNeuron(this);
        }
    }
}
