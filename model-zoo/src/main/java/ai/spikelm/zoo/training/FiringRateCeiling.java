package ai.spikelm.zoo.training;

import ai.djl.nn.Block;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.zoo.core.HfWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keeps learnable amplitudes from buying accuracy with spikes: after every optimizer step, each
 * learnable α_t whose site fired more than the ceiling r_max during that step's training passes is
 * raised to α_t·(r_t / r_max)^γ.
 *
 * <p>Why: the LSQ gradient lowers α towards the amplitude with the least quantisation error, which
 * for bell-shaped inputs fires about half the time, well above the ≈ 0.4 of α = 2·mean|u| (the
 * paper's rate, and the energy it reports). A ceiling keeps what α learns within a firing budget:
 * below it the rule does nothing, above it the raise outweighs what the optimizer's small step
 * took away. The update is outside autograd, after AdamW, like decoupled weight decay; it changes
 * only α, which every checkpoint saves, so a resumed run continues exactly.
 *
 * <pre>{@code
 * FiringRateCeiling ceiling = FiringRateCeiling.builder().setModel(student).setMaxRate(0.42).build();
 * trainer = SpikeLmTrainer.builder()...addListener(ceiling).build();
 * }</pre>
 */
public final class FiringRateCeiling implements TrainingListener {

    private final List<AbstractElasticSpikingBlock> sites;
    private final double maxRate;
    private final double gain;

    private FiringRateCeiling(Builder b) {
        this.maxRate = b.maxRate;
        this.gain = b.gain;
        List<AbstractElasticSpikingBlock> learnable = new ArrayList<>();
        for (Map.Entry<String, AbstractElasticSpikingBlock> site : HfWeights.spikingSites(b.model).entrySet()) {
            if (site.getValue().isLearnableAmplitude()) {
                learnable.add(site.getValue());
            }
        }
        if (learnable.isEmpty()) {
            throw new IllegalArgumentException(
                    "A firing-rate ceiling needs learnable amplitudes (spikelm.alpha_learnable, --learnable-alpha): this model has none");
        }
        this.sites = List.copyOf(learnable);
        sites.forEach(site -> site.setTrainingSpikeCounting(true));
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the number of learnable spike sites the ceiling watches.
     *
     * @return the site count
     */
    public int sites() {
        return sites.size();
    }

    /** {@inheritDoc} */
    @Override
    public void onStep(StepEvent event) {
        apply();
    }

    /**
     * Raises every α_t whose site fired above the ceiling since the last call, and starts counting
     * afresh. {@link #onStep} calls it after every optimizer step.
     *
     * @return the number of amplitudes raised
     */
    public int apply() {
        int raised = 0;
        for (AbstractElasticSpikingBlock site : sites) {
            double[] rates = site.takeTrainingFiringRates();
            if (rates == null || !site.isCalibrated()) {
                continue;
            }
            float[] alpha = site.getAmplitudes();
            boolean changed = false;
            for (int t = 0; t < alpha.length; t++) {
                if (rates[t] > maxRate) {
                    alpha[t] = (float) (alpha[t] * Math.pow(rates[t] / maxRate, gain));
                    changed = true;
                    raised++;
                }
            }
            if (changed) {
                site.setAmplitudes(alpha);
            }
        }
        return raised;
    }

    /** Stops the counting the ceiling started; call when training ends (the trainer does not). */
    public void detach() {
        sites.forEach(site -> site.setTrainingSpikeCounting(false));
    }

    /** Settings of a {@link FiringRateCeiling}. */
    public static final class Builder {
        private Block model;
        private double maxRate = Double.NaN;
        private double gain = 1.0;

        private Builder() {}

        /**
         * Sets the model whose learnable amplitudes are watched (required).
         *
         * @param model the model
         * @return this builder
         */
        public Builder setModel(Block model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the ceiling r_max on each site's firing rate per time step (required).
         *
         * @param maxRate in (0, 1)
         * @return this builder
         */
        public Builder setMaxRate(double maxRate) {
            this.maxRate = maxRate;
            return this;
        }

        /**
         * Sets the exponent γ of the raise (default 1: α scaled by the ratio of the rates).
         *
         * @param gain γ &gt; 0
         * @return this builder
         */
        public Builder optGain(double gain) {
            this.gain = gain;
            return this;
        }

        /**
         * Builds the ceiling and starts counting the sites' training spikes.
         *
         * @return the ceiling
         * @throws IllegalArgumentException if a setting is missing or out of range, or the model
         *     has no learnable amplitude
         */
        public FiringRateCeiling build() {
            if (model == null) {
                throw new IllegalArgumentException("setModel is required");
            }
            if (!(maxRate > 0 && maxRate < 1)) {
                throw new IllegalArgumentException("The firing-rate ceiling must be in (0, 1), got " + maxRate);
            }
            if (!(gain > 0) || Double.isInfinite(gain)) {
                throw new IllegalArgumentException("The gain must be positive and finite, got " + gain);
            }
            return new FiringRateCeiling(this);
        }
    }
}
