package ai.spikelm.ops.neuron;

import ai.djl.ndarray.NDArray;

/**
 * A single-step ternary spike quantiser: each time step is spiked on its own, s_t =
 * clamp(round(x_t/α_t), −1, 1), output α_t·s_t, with no membrane carried between steps. SpikeLM
 * uses it to spike the keys and values of attention. It shares calibration, gradients and
 * statistics with {@link ElasticBiSpikingNeuron}; at T = 1 the two are identical.
 */
public class TernarySpikeQuantizer extends AbstractElasticSpikingBlock {

    /**
     * Creates the quantizer from its builder's settings.
     *
     * @param builder the settings
     */
    protected TernarySpikeQuantizer(Builder builder) {
        super(builder);
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray membrane(int t, NDArray input, Step previous) {
        return input;
    }

    /** Every step on its own, in one pass: {@link InferenceSpikes} without a membrane. */
    @Override
    NDArray infer(NDArray input, float[] alpha, boolean owned) {
        // A subclass may redefine membrane(); only this class is known to have none.
        return getClass() == TernarySpikeQuantizer.class ? InferenceSpikes.spike(input, alpha, null, 0f, owned) : null;
    }

    /** Every step on its own: all spiked at once in training too. */
    @Override
    boolean membraneIsInput() {
        return getClass() == TernarySpikeQuantizer.class;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TernarySpikeQuantizer}. */
    public static final class Builder extends BaseBuilder<Builder> {
        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the quantiser.
         *
         * @return the quantiser
         * @throws IllegalArgumentException if T was not set
         */
        public TernarySpikeQuantizer build() {
            return new TernarySpikeQuantizer(this);
        }
    }
}
