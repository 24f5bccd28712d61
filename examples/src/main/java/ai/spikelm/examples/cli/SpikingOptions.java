package ai.spikelm.examples.cli;

import ai.spikelm.ops.neuron.ResetMode;
import ai.spikelm.zoo.core.SpikingConfig;
import java.util.Map;
import picocli.CommandLine.Option;

/** The SpikeLM settings as command-line options, shared by every command that builds a model. */
final class SpikingOptions {

    @Option(
            names = {"-T", "--time-steps"},
            description = "Spiking time steps T (default: keep the model's setting; 1 when converting an ANN).")
    Integer timeSteps;

    @Option(names = "--ann", description = "Run as a plain ANN (no spikes).")
    boolean ann;

    @Option(names = "--neuron", description = "Neuron kind: ${COMPLETION-CANDIDATES} (default elastic).")
    SpikingConfig.NeuronKind neuron;

    @Option(names = {"--reset", "--reset-mode"}, description = "Membrane reset: ${COMPLETION-CANDIDATES} (default REFERENCE).")
    ResetMode resetMode;

    @Option(names = "--decay", description = "Membrane decay τ (default 0.25).")
    Float decay;

    @Option(names = "--k", description = "Amplitude multiplier k in α = k·mean|u| (default 2).")
    Float k;

    @Option(names = "--target-firing-rate", description = "Calibrate α to this firing rate instead of k.")
    Float targetFiringRate;

    @Option(
            names = "--site-firing-rate",
            paramLabel = "SITE=RATE",
            description = "Calibrate α of one kind of spike site to its own firing rate (repeatable), e.g. key_states=0.2.")
    Map<String, Float> siteFiringRates;

    @Option(names = "--learnable-alpha", description = "Let α learn (LSQ) after calibration.")
    boolean learnableAlpha;

    @Option(
            names = "--shared-qkv-alpha",
            description = "Q, K and V input neurons use one α (SpikeLM-BERT): with --learnable-alpha a training step spikes once for the three.")
    boolean sharedQkvAlpha;

    /** Returns whether any option was given. */
    boolean given() {
        return timeSteps != null
                || ann
                || neuron != null
                || resetMode != null
                || decay != null
                || k != null
                || targetFiringRate != null
                || siteFiringRates != null
                || learnableAlpha
                || sharedQkvAlpha;
    }

    /**
     * Applies the options to a model's saved settings if any was given, else keeps them.
     *
     * @param saved the settings the model was saved with
     * @return the settings to load with
     */
    SpikingConfig applyIfGiven(SpikingConfig saved) {
        return given() ? apply(saved) : saved;
    }

    /**
     * Applies the options to a model's current settings.
     *
     * @param current the settings the model has
     * @return the new settings
     */
    SpikingConfig apply(SpikingConfig current) {
        if (ann) {
            return SpikingConfig.ANN;
        }
        SpikingConfig.Builder b =
                current.isSpiking() ? current.toBuilder() : SpikingConfig.builder().optSpiking(true);
        if (timeSteps != null) {
            b.optTimeSteps(timeSteps);
        }
        if (neuron != null) {
            b.optNeuron(neuron);
        }
        if (resetMode != null) {
            b.optResetMode(resetMode);
        }
        if (decay != null) {
            b.optDecay(decay);
        }
        if (k != null) {
            b.optAlphaMultiplier(k);
        }
        if (targetFiringRate != null) {
            b.optTargetFiringRate(targetFiringRate);
        }
        if (siteFiringRates != null) {
            b.optSiteFiringRates(siteFiringRates);
        }
        if (learnableAlpha) {
            b.optAlphaLearnable(true);
        }
        if (sharedQkvAlpha) {
            b.optSharedQkvAlpha(true);
        }
        return b.build();
    }
}
