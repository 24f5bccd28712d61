package ai.spikelm.zoo.training;

import java.util.List;

/**
 * The outcome of a training run.
 *
 * @param bestEpoch the best epoch, from 0 (-1 if no epoch ran)
 * @param bestValue its selection value (main metric, or training loss without an evaluator)
 * @param history every epoch, resumed ones included
 */
public record TrainingSummary(int bestEpoch, double bestValue, List<EpochResult> history) {

    /**
     * Copies the history.
     *
     * @param bestEpoch the best epoch
     * @param bestValue its value
     * @param history the epochs
     */
    public TrainingSummary {
        history = List.copyOf(history);
    }

    /**
     * Returns the last epoch that ran, which the model's weights are from unless the best was
     * restored ({@link SpikeLmTrainer#restoreBest}).
     *
     * @return the last epoch, or -1 if none ran
     */
    public int lastEpoch() {
        return history.isEmpty() ? -1 : history.get(history.size() - 1).epoch();
    }
}
