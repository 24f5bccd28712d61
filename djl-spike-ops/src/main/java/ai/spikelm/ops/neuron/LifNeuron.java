package ai.spikelm.ops.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.ScalarOps;
import ai.djl.util.PairList;
import ai.spikelm.ops.stats.MonitoredBlock;
import ai.spikelm.ops.stats.SpikeMonitor;

/**
 * The classic leaky integrate-and-fire neuron with binary {0, 1} spikes, SpikeLM's LIF-BERT
 * comparison point.
 *
 * <pre>
 * u_0 = x_0
 * u_t = β · u_{t−1} · (1 − s_{t−1}) + x_t       (leak β, hard reset to 0 after a spike)
 * s_t = 1 if u_t ≥ θ else 0
 * </pre>
 *
 * <p>The Heaviside step has no useful derivative, so training uses the sigmoid surrogate ∂s/∂u =
 * κ·σ(κ(u − θ))·(1 − σ(κ(u − θ))) with slope κ. As with the elastic neuron, the reset uses the
 * detached spike and gradients flow through u_{t−1}.
 */
public class LifNeuron extends AbstractBlock implements SpikingNeuron, MonitoredBlock {

    private static final byte VERSION = 1;

    private final int timeSteps;
    private final float threshold;
    private final float decay;
    private final float surrogateSlope;
    private final boolean validateInput;
    private volatile SpikeMonitor.Site monitor;

    /**
     * Creates the neuron from its builder's settings.
     *
     * @param builder the settings
     */
    protected LifNeuron(Builder builder) {
        super(VERSION);
        this.timeSteps = NeuronSupport.requireTimeSteps(builder.timeSteps);
        this.threshold = builder.threshold;
        this.decay = builder.decay;
        this.surrogateSlope = builder.surrogateSlope;
        this.validateInput = builder.validateInput;
    }

    /** {@inheritDoc} */
    @Override
    public int getTimeSteps() {
        return timeSteps;
    }

    /**
     * Returns the firing threshold θ.
     *
     * @return θ
     */
    public float getThreshold() {
        return threshold;
    }

    /** {@inheritDoc} */
    @Override
    public void attachMonitor(SpikeMonitor.Site site) {
        this.monitor = site;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        NeuronSupport.checkInput(getClass().getSimpleName(), input, timeSteps, validateInput);
        NDManager parent = input.getManager();
        NDList spikes = new NDList(timeSteps);
        NDArray u = null;
        for (int t = 0; t < timeSteps; t++) {
            // Per-step temporaries are closed with the scope (see AbstractElasticSpikingBlock).
            try (NDManager scope = parent.newSubManager()) {
                NDArray x = input.get(t);
                x.attach(scope);
                if (u != null) {
                    u.attach(scope); // the old membrane dies with this step; spikes are kept
                }
                if (t == 0) {
                    u = x;
                } else {
                    NDArray previousSpike = spikes.get(t - 1).stopGradient();
                    previousSpike.attach(scope);
                    u = ScalarOps.mul(u.mul(previousSpike.neg().add(1f)), decay).add(x);
                }
                NDArray spike = fire(u);
                u.attach(parent);
                spike.attach(parent);
                spikes.add(spike);
            }
        }
        SpikeMonitor.Site site = monitor;
        if (site != null) {
            NeuronSupport.recordSpikes(site, spikes);
        }
        return new NDList(NDArrays.stack(spikes));
    }

    /** Heaviside forward, sigmoid-surrogate backward, via a zero-valued carrier. */
    private NDArray fire(NDArray u) {
        NDArray shifted = u.sub(threshold);
        NDArray spike = shifted.stopGradient().gte(0f).toType(DataType.FLOAT32, false);
        NDArray carrier = Activation.sigmoid(ScalarOps.mul(shifted, surrogateSlope));
        return spike.add(carrier.sub(carrier.stopGradient()));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link LifNeuron}. */
    public static final class Builder {
        private int timeSteps;
        private float threshold = 1f;
        private float decay = 0.5f;
        private float surrogateSlope = 4f;
        private boolean validateInput = true;

        Builder() {}

        /**
         * Sets the number of time steps T (required, at least 1).
         *
         * @param timeSteps T
         * @return this builder
         */
        public Builder setTimeSteps(int timeSteps) {
            this.timeSteps = NeuronSupport.requireTimeSteps(timeSteps);
            return this;
        }

        /**
         * Sets the firing threshold θ (default 1).
         *
         * @param threshold θ, positive and finite
         * @return this builder
         */
        public Builder optThreshold(float threshold) {
            if (!(threshold > 0f) || Float.isInfinite(threshold)) {
                throw new IllegalArgumentException("Threshold must be positive, got " + threshold);
            }
            this.threshold = threshold;
            return this;
        }

        /**
         * Sets the leak β (default 0.5, a membrane time constant of 2 steps).
         *
         * @param decay β, finite and non-negative
         * @return this builder
         */
        public Builder optDecay(float decay) {
            this.decay = NeuronSupport.requireFiniteNonNegative(decay, "Decay β");
            return this;
        }

        /**
         * Sets the slope κ of the sigmoid surrogate gradient (default 4).
         *
         * @param slope κ, positive and finite
         * @return this builder
         */
        public Builder optSurrogateSlope(float slope) {
            if (!(slope > 0f) || Float.isInfinite(slope)) {
                throw new IllegalArgumentException("Surrogate slope must be positive, got " + slope);
            }
            this.surrogateSlope = slope;
            return this;
        }

        /**
         * Sets whether each forward pass checks its input for NaN and infinities (default true).
         *
         * @param validate true to check
         * @return this builder
         */
        public Builder optValidateInput(boolean validate) {
            this.validateInput = validate;
            return this;
        }

        /**
         * Builds the neuron.
         *
         * @return the neuron
         */
        public LifNeuron build() {
            return new LifNeuron(this);
        }
    }
}
