package ai.spikelm.zoo.core;

import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.spikelm.ops.neuron.AmplitudeCalibration;
import ai.spikelm.ops.neuron.ElasticBiSpikingNeuron;
import ai.spikelm.ops.neuron.LifNeuron;
import ai.spikelm.ops.neuron.ResetMode;
import ai.spikelm.ops.neuron.TernarySpikeQuantizer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The SpikeLM settings of a model, stored in {@code config.json} under {@value #JSON_KEY}:
 *
 * <pre>
 * "spikelm": {
 *   "spiking": true,             false runs the same model as a plain ANN (T = 1, no neurons)
 *   "time_steps": 4,             T
 *   "neuron": "elastic",         "elastic" (SpikeLM) or "lif" (the {0,1} LIF baseline)
 *   "reset_mode": "reference",   "reference", "hard" or "soft"
 *   "decay": 0.25,               membrane decay τ
 *   "alpha_multiplier": 2.0,     k in α = k·mean|u| at calibration
 *   "target_firing_rate": null,  if set, calibrate α to this firing rate instead of k
 *   "site_firing_rates": {},     per-site firing-rate targets, e.g. {"key_states": 0.2}: these
 *                                sites calibrate α to their rate, the others as above
 *   "alpha_learnable": false,    LSQ gradient for α after calibration
 *   "shared_qkv_alpha": false,   the Q, K and V input neurons of self-attention use one α
 *                                parameter (SpikeLM-BERT; they see the same input, so with it they
 *                                keep sharing one set of spikes while α learns)
 *   "lif_threshold": 1.0,        LIF threshold θ
 *   "spike_sites": [...]         which sites spike (default: all of the family's sites)
 * }
 * </pre>
 *
 * <p>A config without the key is a plain Hugging Face model: it loads as an ANN.
 *
 * <p>Neurons built here skip their per-call NaN/Inf check: a model checks its output once instead
 * (NaN propagates through the spike function, so one check at the end sees it).
 */
public final class SpikingConfig {

    /** The key of the SpikeLM settings in {@code config.json}. */
    public static final String JSON_KEY = "spikelm";

    /** The kind of neuron at each spike site. */
    public enum NeuronKind {
        /** SpikeLM's elastic bi-spiking neuron. */
        ELASTIC,
        /** The leaky integrate-and-fire {0,1} baseline. */
        LIF
    }

    /** A plain ANN: no spikes, one time step. */
    public static final SpikingConfig ANN = builder().optSpiking(false).build();

    private final boolean spiking;
    private final int timeSteps;
    private final NeuronKind neuron;
    private final ResetMode resetMode;
    private final float decay;
    private final float alphaMultiplier;
    private final Float targetFiringRate;
    private final Map<String, Float> siteFiringRates;
    private final boolean alphaLearnable;
    private final boolean sharedQkvAlpha;
    private final float lifThreshold;
    private final Set<String> spikeSites;

    private SpikingConfig(Builder b) {
        this.spiking = b.spiking;
        this.timeSteps = b.timeSteps;
        this.neuron = b.neuron;
        this.resetMode = b.resetMode;
        this.decay = b.decay;
        this.alphaMultiplier = b.alphaMultiplier;
        this.targetFiringRate = b.targetFiringRate;
        this.siteFiringRates = java.util.Collections.unmodifiableMap(new TreeMap<>(b.siteFiringRates));
        this.alphaLearnable = b.alphaLearnable;
        this.sharedQkvAlpha = b.sharedQkvAlpha;
        this.lifThreshold = b.lifThreshold;
        this.spikeSites = b.spikeSites == null ? null : Set.copyOf(b.spikeSites);
    }

    /**
     * Reads the settings from a config's fields ({@link #ANN} when the key is absent).
     *
     * @param config the config's top-level fields
     * @param knownSites the spike sites the model family has
     * @return the settings
     * @throws InvalidConfigException on an unknown or invalid field
     */
    public static SpikingConfig fromJson(ConfigFields config, List<String> knownSites) {
        ConfigFields f = config.object(JSON_KEY);
        if (f == null) {
            return ANN;
        }
        Builder b = builder();
        b.optSpiking(f.bool("spiking", true));
        b.optTimeSteps(f.positiveInt("time_steps", 1));
        b.optNeuron(NeuronKind.valueOf(f.choice("neuron", "elastic", "elastic", "lif").toUpperCase(Locale.ROOT)));
        b.optResetMode(
                ResetMode.valueOf(
                        f.choice("reset_mode", "reference", "reference", "hard", "soft").toUpperCase(Locale.ROOT)));
        b.optDecay((float) f.number("decay", ElasticBiSpikingNeuron.DEFAULT_DECAY, 0, 1e6));
        b.optAlphaMultiplier((float) f.number("alpha_multiplier", 2.0, Float.MIN_VALUE, 1e6));
        if (f.has("target_firing_rate")) {
            double rate = f.number("target_firing_rate", 0, 0, 1);
            if (rate <= 0 || rate >= 1) {
                throw f.error("target_firing_rate", "must be in (0, 1), got " + rate);
            }
            b.optTargetFiringRate((float) rate);
        }
        ConfigFields rates = f.object("site_firing_rates");
        if (rates != null) {
            Map<String, Float> perSite = new TreeMap<>();
            for (String site : knownSites) {
                if (rates.has(site)) {
                    double rate = rates.number(site, 0, 0, 1);
                    if (rate <= 0 || rate >= 1) {
                        throw rates.error(site, "must be in (0, 1), got " + rate);
                    }
                    perSite.put(site, (float) rate);
                }
            }
            try {
                rates.rejectUnknown();
            } catch (InvalidConfigException e) {
                throw new InvalidConfigException(e.getMessage() + "; known sites: " + String.join(", ", knownSites));
            }
            b.optSiteFiringRates(perSite);
        }
        b.optAlphaLearnable(f.bool("alpha_learnable", false));
        b.optSharedQkvAlpha(f.bool("shared_qkv_alpha", false));
        b.optLifThreshold((float) f.number("lif_threshold", 1.0, Float.MIN_VALUE, 1e6));
        List<String> sites = f.strings("spike_sites");
        if (sites != null) {
            for (String site : sites) {
                if (!knownSites.contains(site)) {
                    throw f.error(
                            "spike_sites",
                            "names unknown site '" + site + "'; known sites: " + String.join(", ", knownSites));
                }
            }
            b.optSpikeSites(sites);
        }
        f.rejectUnknown();
        return b.build();
    }

    /**
     * Writes the settings into a config object (nothing for a plain ANN, which is plain HF).
     *
     * @param config the config's top-level object
     */
    public void toJson(ObjectNode config) {
        if (this.equals(ANN)) {
            return;
        }
        ObjectNode o = config.putObject(JSON_KEY);
        o.put("spiking", spiking);
        o.put("time_steps", timeSteps);
        o.put("neuron", neuron.name().toLowerCase(Locale.ROOT));
        o.put("reset_mode", resetMode.name().toLowerCase(Locale.ROOT));
        o.put("decay", decay);
        o.put("alpha_multiplier", alphaMultiplier);
        if (targetFiringRate != null) {
            o.put("target_firing_rate", targetFiringRate);
        }
        if (!siteFiringRates.isEmpty()) {
            ObjectNode rates = o.putObject("site_firing_rates");
            siteFiringRates.forEach(rates::put);
        }
        o.put("alpha_learnable", alphaLearnable);
        if (sharedQkvAlpha) {
            o.put("shared_qkv_alpha", true); // absent means false: older readers and files stay as they were
        }
        o.put("lif_threshold", lifThreshold);
        if (spikeSites != null) {
            spikeSites.stream().sorted().forEach(o.putArray("spike_sites")::add);
        }
    }

    /**
     * Returns whether the model spikes at all.
     *
     * @return false for a plain ANN
     */
    public boolean isSpiking() {
        return spiking;
    }

    /**
     * Returns the number of time steps the model runs: T when spiking, 1 otherwise.
     *
     * @return T
     */
    public int timeSteps() {
        return spiking ? timeSteps : 1;
    }

    /**
     * Returns whether a site spikes.
     *
     * @param site the site name
     * @return true if the site has a neuron
     */
    public boolean spikes(String site) {
        return spiking && (spikeSites == null || spikeSites.contains(site));
    }

    /**
     * Creates the neuron for the input of a spiking linear layer at {@code site}: an elastic
     * bi-spiking neuron, a LIF neuron, or the identity when the site does not spike.
     *
     * @param site the site name
     * @return the neuron block
     */
    public Block neuron(String site) {
        if (!spikes(site)) {
            return Blocks.identityBlock();
        }
        if (neuron == NeuronKind.LIF) {
            return lif();
        }
        return ElasticBiSpikingNeuron.builder()
                .setTimeSteps(timeSteps)
                .optResetMode(resetMode)
                .optDecay(decay)
                .optCalibration(calibration(site))
                .optLearnableAmplitude(alphaLearnable)
                .optValidateInput(false)
                .build();
    }

    /**
     * Creates the single-step quantiser for spiked keys and values at {@code site} (a LIF neuron in
     * LIF mode; the identity when the site does not spike).
     *
     * @param site the site name
     * @return the quantiser block
     */
    public Block quantizer(String site) {
        if (!spikes(site)) {
            return Blocks.identityBlock();
        }
        if (neuron == NeuronKind.LIF) {
            return lif();
        }
        return TernarySpikeQuantizer.builder()
                .setTimeSteps(timeSteps)
                .optCalibration(calibration(site))
                .optLearnableAmplitude(alphaLearnable)
                .optValidateInput(false)
                .build();
    }

    private Block lif() {
        return LifNeuron.builder().setTimeSteps(timeSteps).optThreshold(lifThreshold).optValidateInput(false).build();
    }

    /** The site's own firing-rate target, else the model's target rate, else α = k·mean|u|. */
    private AmplitudeCalibration calibration(String site) {
        Float rate = siteFiringRates.getOrDefault(site, targetFiringRate);
        return rate != null ? AmplitudeCalibration.targetFiringRate(rate) : AmplitudeCalibration.meanAbs(alphaMultiplier);
    }

    /**
     * Returns whether the Q, K and V input neurons of self-attention use one α parameter.
     *
     * @return true if they share α
     */
    public boolean sharesQkvAlpha() {
        return sharedQkvAlpha;
    }

    /**
     * Checks that sites meant to share one α can: all of them spike with the elastic neuron, or
     * none does, and they calibrate by the same rule (no site firing rate for one and not another).
     * A family calls this with its Q, K and V site names when {@link #sharesQkvAlpha} is set.
     *
     * @param sites the site names that share α
     * @throws InvalidConfigException naming the setting that prevents it
     */
    public void requireShareableAlpha(List<String> sites) {
        if (!sharedQkvAlpha || !spiking) {
            return;
        }
        long spiked = sites.stream().filter(this::spikes).count();
        if (spiked == 0) {
            return;
        }
        if (spiked != sites.size()) {
            throw new InvalidConfigException(
                    "spikelm.shared_qkv_alpha needs all or none of " + sites + " in spikelm.spike_sites");
        }
        if (neuron != NeuronKind.ELASTIC) {
            throw new InvalidConfigException("spikelm.shared_qkv_alpha needs the elastic neuron, not " + neuron);
        }
        if (sites.stream().map(site -> siteFiringRates.getOrDefault(site, targetFiringRate)).distinct().count() > 1) {
            throw new InvalidConfigException(
                    "spikelm.shared_qkv_alpha needs " + sites + " calibrated alike, but site_firing_rates gives them different rates");
        }
    }

    /**
     * Returns the per-site firing-rate targets.
     *
     * @return site name → rate, sorted by name; empty when no site has its own target
     */
    public Map<String, Float> siteFiringRates() {
        return siteFiringRates;
    }

    /**
     * Checks that the sites these settings name ({@code spike_sites}, {@code site_firing_rates})
     * are sites of the model family.
     *
     * @param knownSites the family's spike sites
     * @throws InvalidConfigException naming the first unknown site and the known ones
     */
    public void requireKnownSites(List<String> knownSites) {
        Set<String> named = new LinkedHashSet<>(siteFiringRates.keySet());
        if (spikeSites != null) {
            named.addAll(spikeSites);
        }
        for (String site : named) {
            if (!knownSites.contains(site)) {
                throw new InvalidConfigException(
                        "spikelm settings name unknown site '" + site + "'; known sites: " + String.join(", ", knownSites));
            }
        }
    }

    /**
     * Returns a builder initialised with these settings.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.spiking = spiking;
        b.timeSteps = timeSteps;
        b.neuron = neuron;
        b.resetMode = resetMode;
        b.decay = decay;
        b.alphaMultiplier = alphaMultiplier;
        b.targetFiringRate = targetFiringRate;
        b.siteFiringRates = new TreeMap<>(siteFiringRates);
        b.alphaLearnable = alphaLearnable;
        b.sharedQkvAlpha = sharedQkvAlpha;
        b.lifThreshold = lifThreshold;
        b.spikeSites = spikeSites;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SpikingConfig)) {
            return false;
        }
        SpikingConfig c = (SpikingConfig) o;
        return spiking == c.spiking
                && timeSteps == c.timeSteps
                && neuron == c.neuron
                && resetMode == c.resetMode
                && decay == c.decay
                && alphaMultiplier == c.alphaMultiplier
                && Objects.equals(targetFiringRate, c.targetFiringRate)
                && siteFiringRates.equals(c.siteFiringRates)
                && alphaLearnable == c.alphaLearnable
                && sharedQkvAlpha == c.sharedQkvAlpha
                && lifThreshold == c.lifThreshold
                && Objects.equals(spikeSites, c.spikeSites);
    }

    @Override
    public int hashCode() {
        return Objects.hash(spiking, timeSteps, neuron, resetMode, decay, alphaMultiplier, targetFiringRate, siteFiringRates);
    }

    @Override
    public String toString() {
        if (!spiking) {
            return "ANN";
        }
        return String.format(
                Locale.ROOT,
                "SpikeLM(T=%d, %s, reset=%s, τ=%s, %s%s%s%s)",
                timeSteps,
                neuron,
                resetMode,
                decay,
                targetFiringRate != null ? "rate=" + targetFiringRate : "k=" + alphaMultiplier,
                siteFiringRates.isEmpty() ? "" : ", site rates=" + siteFiringRates,
                alphaLearnable ? ", learnable α" : "",
                sharedQkvAlpha ? ", Q/K/V share α" : "");
    }

    /**
     * Returns a builder with the SpikeLM defaults (spiking, T = 1, elastic, reference reset).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SpikingConfig}. */
    public static final class Builder {
        private boolean spiking = true;
        private int timeSteps = 1;
        private NeuronKind neuron = NeuronKind.ELASTIC;
        private ResetMode resetMode = ResetMode.REFERENCE;
        private float decay = ElasticBiSpikingNeuron.DEFAULT_DECAY;
        private float alphaMultiplier = 2f;
        private Float targetFiringRate;
        private Map<String, Float> siteFiringRates = new TreeMap<>();
        private boolean alphaLearnable;
        private boolean sharedQkvAlpha;
        private float lifThreshold = 1f;
        private Set<String> spikeSites;

        Builder() {}

        /**
         * Sets whether the model spikes (false: plain ANN).
         *
         * @param spiking true to spike
         * @return this builder
         */
        public Builder optSpiking(boolean spiking) {
            this.spiking = spiking;
            return this;
        }

        /**
         * Sets T.
         *
         * @param timeSteps T, at least 1
         * @return this builder
         */
        public Builder optTimeSteps(int timeSteps) {
            if (timeSteps < 1) {
                throw new IllegalArgumentException("time steps must be at least 1, got " + timeSteps);
            }
            this.timeSteps = timeSteps;
            return this;
        }

        /**
         * Sets the neuron kind.
         *
         * @param neuron the kind
         * @return this builder
         */
        public Builder optNeuron(NeuronKind neuron) {
            this.neuron = Objects.requireNonNull(neuron);
            return this;
        }

        /**
         * Sets the reset mode.
         *
         * @param resetMode the mode
         * @return this builder
         */
        public Builder optResetMode(ResetMode resetMode) {
            this.resetMode = Objects.requireNonNull(resetMode);
            return this;
        }

        /**
         * Sets the decay τ.
         *
         * @param decay τ
         * @return this builder
         */
        public Builder optDecay(float decay) {
            this.decay = decay;
            return this;
        }

        /**
         * Sets k of α = k·mean|u|.
         *
         * @param k the multiplier
         * @return this builder
         */
        public Builder optAlphaMultiplier(float k) {
            AmplitudeCalibration.meanAbs(k); // validates
            this.alphaMultiplier = k;
            return this;
        }

        /**
         * Calibrates α to a firing rate instead of k (null to use k).
         *
         * @param rate the rate in (0, 1), or null
         * @return this builder
         */
        public Builder optTargetFiringRate(Float rate) {
            if (rate != null) {
                AmplitudeCalibration.targetFiringRate(rate); // validates
            }
            this.targetFiringRate = rate;
            return this;
        }

        /**
         * Gives some sites their own firing-rate target: a site named here calibrates α to its
         * rate; the others follow {@link #optTargetFiringRate} or k. Names are the family's site
         * names (as in {@code spike_sites}, e.g. {@code key_states} or {@code intermediate} for
         * BERT), checked when the model's config is built.
         *
         * @param rates site name → rate in (0, 1); empty or null for none
         * @return this builder
         * @throws IllegalArgumentException if a rate is not in (0, 1)
         */
        public Builder optSiteFiringRates(Map<String, Float> rates) {
            Map<String, Float> copy = new TreeMap<>();
            if (rates != null) {
                rates.forEach(
                        (site, rate) -> {
                            AmplitudeCalibration.targetFiringRate(Objects.requireNonNull(rate, site)); // validates
                            copy.put(Objects.requireNonNull(site, "site"), rate);
                        });
            }
            this.siteFiringRates = copy;
            return this;
        }

        /**
         * Sets whether α learns after calibration.
         *
         * @param learnable true for LSQ
         * @return this builder
         */
        public Builder optAlphaLearnable(boolean learnable) {
            this.alphaLearnable = learnable;
            return this;
        }

        /**
         * Sets whether the Q, K and V input neurons of self-attention use one α parameter. They see
         * the same input and calibrate to the same α, so with a frozen α they spike alike anyway;
         * with a learnable α this keeps them alike, which lets a training pass spike once for the
         * three products instead of three times.
         *
         * @param shared true to share
         * @return this builder
         */
        public Builder optSharedQkvAlpha(boolean shared) {
            this.sharedQkvAlpha = shared;
            return this;
        }

        /**
         * Sets the LIF threshold.
         *
         * @param threshold θ
         * @return this builder
         */
        public Builder optLifThreshold(float threshold) {
            this.lifThreshold = threshold;
            return this;
        }

        /**
         * Restricts spiking to these sites (null: all sites).
         *
         * @param sites the site names
         * @return this builder
         */
        public Builder optSpikeSites(java.util.Collection<String> sites) {
            this.spikeSites = sites == null ? null : new LinkedHashSet<>(sites);
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         */
        public SpikingConfig build() {
            return new SpikingConfig(this);
        }
    }
}
