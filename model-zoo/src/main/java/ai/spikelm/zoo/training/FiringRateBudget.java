package ai.spikelm.zoo.training;

import ai.djl.nn.Block;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.zoo.core.HfWeights;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps learnable amplitudes from buying accuracy with spikes: after every optimizer step, if the
 * learnable spike sites together fired more than the budget r_max during that step's training
 * passes (rate R = all their non-zero spikes over all their elements), every learnable α is raised
 * by the same factor (R / r_max)^γ.
 *
 * <p>Why: the LSQ gradient lowers α towards the amplitude with the least quantisation error, which
 * for bell-shaped inputs fires about half the time, well above the ≈ 0.4 of α = 2·mean|u| (the
 * paper's rate, and the energy it reports). One factor for all sites keeps the total within the
 * budget and leaves to LSQ how the spikes are shared among sites: a ceiling per site (tried first)
 * held every site at r_max, starved the sites that need more and cost 6 Spearman points in 250
 * steps. The update is outside autograd, after AdamW, like decoupled weight decay; it changes only
 * α, which every checkpoint saves, so a resumed run continues exactly. The sites count their
 * training spikes from construction until {@code fit()} ends.
 *
 * <p>Sites that use one α parameter ({@code spikelm.shared_qkv_alpha}) are one group: α is raised
 * once, and the spikes of a group count once per site, as an inference monitor counts them, even
 * when a training pass spiked once for all of them.
 *
 * <pre>{@code
 * FiringRateBudget budget = FiringRateBudget.builder().setModel(student).setMaxRate(0.42).build();
 * trainer = SpikeLmTrainer.builder()...addListener(budget).build();
 * }</pre>
 */
public final class FiringRateBudget implements TrainingListener {

    private final List<List<AbstractElasticSpikingBlock>> groups;
    private final int sites;
    private final double maxRate;
    private final double gain;

    private FiringRateBudget(Builder b) {
        this.maxRate = b.maxRate;
        this.gain = b.gain;
        List<AbstractElasticSpikingBlock> learnable = HfWeights.spikingSites(b.model).values().stream()
                .filter(AbstractElasticSpikingBlock::isLearnableAmplitude)
                .toList();
        this.sites = learnable.size();
        this.groups = byAmplitude(learnable);
        if (learnable.isEmpty()) {
            throw new IllegalArgumentException(
                    "A firing-rate budget needs learnable amplitudes (spikelm.alpha_learnable, --learnable-alpha): this model has none");
        }
        count(true);
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
     * Returns the number of learnable spike sites the budget watches.
     *
     * @return the site count
     */
    public int sites() {
        return sites;
    }

    /** The sites grouped by the α parameter they use, in model order. */
    private static List<List<AbstractElasticSpikingBlock>> byAmplitude(List<AbstractElasticSpikingBlock> sites) {
        List<List<AbstractElasticSpikingBlock>> groups = new ArrayList<>();
        for (AbstractElasticSpikingBlock site : sites) {
            groups.stream()
                    .filter(group -> group.get(0).sharesAmplitudeWith(site))
                    .findFirst()
                    .ifPresentOrElse(group -> group.add(site), () -> groups.add(new ArrayList<>(List.of(site))));
        }
        return groups;
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingStart(Plan plan) {
        count(true); // again, for a trainer fitted after an earlier fit ended
    }

    /** {@inheritDoc} */
    @Override
    public void onStep(StepEvent event) {
        apply();
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingEnd(TrainingSummary summary) {
        detach();
    }

    /**
     * Raises every learnable α by one factor if the sites together fired above the budget since the
     * last call, and starts counting afresh. {@link #onStep} calls it after every optimizer step.
     *
     * @return the factor applied (1 when within the budget or nothing was counted)
     */
    public double apply() {
        long spikes = 0;
        long elements = 0;
        for (List<AbstractElasticSpikingBlock> group : groups) {
            long groupSpikes = 0;
            long groupElements = 0;
            int counted = 0;
            for (AbstractElasticSpikingBlock site : group) {
                AbstractElasticSpikingBlock.SpikeTally tally = site.takeTrainingSpikes();
                if (tally != null) {
                    groupSpikes += tally.nonZero();
                    groupElements += tally.elements();
                    counted++;
                }
            }
            if (counted > 0) { // a pass that spiked once for the group stands for each of its sites
                spikes += groupSpikes * group.size() / counted;
                elements += groupElements * group.size() / counted;
            }
        }
        double rate = elements == 0 ? 0 : (double) spikes / elements;
        if (rate <= maxRate) {
            return 1.0;
        }
        double factor = Math.pow(rate / maxRate, gain);
        for (List<AbstractElasticSpikingBlock> group : groups) {
            group.stream().filter(AbstractElasticSpikingBlock::isCalibrated).findFirst().ifPresent(site -> {
                float[] alpha = site.getAmplitudes();
                for (int t = 0; t < alpha.length; t++) {
                    alpha[t] = (float) (alpha[t] * factor);
                }
                site.setAmplitudes(alpha);
            });
        }
        return factor;
    }

    /**
     * Stops the counting the budget started: {@link #onTrainingEnd} does it when {@code fit()}
     * ends; call it after steps run another way ({@code runEpoch}).
     */
    public void detach() {
        count(false);
    }

    private void count(boolean on) {
        groups.forEach(group -> group.forEach(site -> site.setTrainingSpikeCounting(on)));
    }

    /** Settings of a {@link FiringRateBudget}. */
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
         * Sets the budget r_max on the firing rate of all learnable sites together (required).
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
         * Builds the budget and starts counting the sites' training spikes.
         *
         * @return the budget
         * @throws IllegalArgumentException if a setting is missing or out of range, or the model
         *     has no learnable amplitude
         */
        public FiringRateBudget build() {
            if (model == null) {
                throw new IllegalArgumentException("setModel is required");
            }
            if (!(maxRate > 0 && maxRate < 1)) {
                throw new IllegalArgumentException("The firing-rate budget must be in (0, 1), got " + maxRate);
            }
            if (!(gain > 0) || Double.isInfinite(gain)) {
                throw new IllegalArgumentException("The gain must be positive and finite, got " + gain);
            }
            return new FiringRateBudget(this);
        }
    }
}
