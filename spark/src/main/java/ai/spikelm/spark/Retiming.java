package ai.spikelm.spark;

import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.family.LoadRequest;

/** How a job's {@code --ann} / {@code -T N} options re-time a model, for every kind of model spec. */
final class Retiming {

    private Retiming() {}

    /**
     * Maps a model's saved SpikeLM settings to the ones asked for.
     *
     * @param saved the model's own settings
     * @param ann whether the plain ANN is asked for
     * @param timeSteps T, or null to keep the saved settings
     * @return the settings to load with
     */
    static SpikingConfig apply(SpikingConfig saved, boolean ann, Integer timeSteps) {
        if (ann) {
            return SpikingConfig.ANN;
        }
        return timeSteps == null ? saved : LoadRequest.withTimeSteps(saved, timeSteps);
    }

    /**
     * Describes the settings asked for, for output.
     *
     * @param ann whether the plain ANN is asked for
     * @param timeSteps T, or null for the saved settings
     * @return {@code ANN}, {@code SpikeLM T=4} or {@code as saved}
     */
    static String describe(boolean ann, Integer timeSteps) {
        if (ann) {
            return "ANN";
        }
        return timeSteps == null ? "as saved" : "SpikeLM T=" + timeSteps;
    }
}
