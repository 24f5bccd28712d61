package ai.spikelm.ops.neuron;

import ai.djl.ndarray.NDArray;

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

    /**
     * Creates the neuron from its builder's settings.
     *
     * @param builder the settings
     */
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

    /** Inference over T steps in one pass: {@link InferenceSpikes} with this neuron's carry. */
    @Override
    NDArray infer(NDArray input, float[] alpha, boolean owned) {
        if (getClass() != ElasticBiSpikingNeuron.class) {
            return null; // a subclass may redefine membrane()
        }
        return InferenceSpikes.spike(input, alpha, resetMode, decay, owned);
    }

    /** At T = 1 the membrane is the input, unless a subclass redefines {@link #membrane}. */
    @Override
    boolean membraneIsInput() {
        return getTimeSteps() == 1 && getClass() == ElasticBiSpikingNeuron.class;
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
