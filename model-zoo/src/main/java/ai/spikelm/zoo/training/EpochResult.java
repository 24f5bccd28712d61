package ai.spikelm.zoo.training;

/**
 * What one epoch did.
 *
 * @param epoch the epoch, from 0
 * @param trainLoss the mean training loss over its optimizer steps
 * @param evaluation the evaluation after it, or {@code null} without an evaluator
 * @param selectionValue the value that ranks epochs: the main metric, or the training loss
 *     without an evaluator
 * @param best whether this epoch is the best so far
 * @param steps the optimizer steps made so far in the run
 * @param examples the training examples seen in this epoch
 * @param seconds the epoch's wall-clock training time (without evaluation and checkpoints)
 */
public record EpochResult(
        int epoch,
        double trainLoss,
        EvaluationResult evaluation,
        double selectionValue,
        boolean best,
        long steps,
        long examples,
        double seconds) {

    /**
     * Returns the training throughput.
     *
     * @return examples per second
     */
    public double examplesPerSecond() {
        return seconds > 0 ? examples / seconds : 0;
    }
}
