package ai.spikelm.zoo.training;

import java.nio.file.Path;
import java.util.Map;

/**
 * Follows a training run, for progress bars, logs and charts. Every method has an empty default;
 * they are called on the training thread, so they should return quickly.
 */
public interface TrainingListener {

    /**
     * Called once before the first step of {@link SpikeLmTrainer#fit()} or of the first epoch run.
     *
     * @param plan what the run will do
     */
    default void onTrainingStart(Plan plan) {}

    /**
     * Called after the SpikeLM amplitudes were calibrated on the first batch.
     *
     * @param sites the number of spiking sites calibrated
     */
    default void onCalibrated(int sites) {}

    /**
     * Called after each optimizer step.
     *
     * @param event the step's numbers
     */
    default void onStep(StepEvent event) {}

    /**
     * Called after each epoch, its evaluation and its checkpoints.
     *
     * @param result the epoch's numbers
     */
    default void onEpochEnd(EpochResult result) {}

    /**
     * Called after a checkpoint is written.
     *
     * @param directory the checkpoint directory
     * @param kind {@code best} or {@code last}
     */
    default void onCheckpoint(Path directory, CheckpointKind kind) {}

    /**
     * Called when {@link SpikeLmTrainer#fit()} ends.
     *
     * @param summary the run's outcome
     */
    default void onTrainingEnd(TrainingSummary summary) {}

    /** Which checkpoint was written. */
    enum CheckpointKind {
        /** {@code <out>/best}: the model of the best epoch. */
        BEST,
        /** {@code <out>/last}: the latest model with the state to resume from. */
        LAST
    }

    /**
     * What a run will do.
     *
     * @param startEpoch the first epoch to run (after a resume, the next one)
     * @param epochs the planned number of epochs
     * @param batchesPerEpoch micro-batches per epoch, -1 if the source does not know
     * @param gradientAccumulation micro-batches per optimizer step
     * @param stepsPerEpoch optimizer steps per epoch, -1 if unknown
     * @param startStep optimizer steps already made
     */
    record Plan(
            int startEpoch,
            int epochs,
            int batchesPerEpoch,
            int gradientAccumulation,
            int stepsPerEpoch,
            long startStep) {}

    /**
     * One optimizer step.
     *
     * @param epoch the epoch, from 0
     * @param batchesDone micro-batches done in this epoch, this step's included
     * @param step optimizer steps made in the run, this one included
     * @param loss the mean loss of the step's micro-batches
     * @param components the mean of each component the objective reported
     * @param learningRate the learning rate used
     * @param gradientNorm the global gradient norm before clipping
     * @param examples examples in the step
     * @param tokens real (unpadded) tokens in the step
     * @param seconds the step's wall-clock time
     */
    record StepEvent(
            int epoch,
            int batchesDone,
            long step,
            float loss,
            Map<String, Float> components,
            float learningRate,
            float gradientNorm,
            int examples,
            long tokens,
            double seconds) {

        /**
         * Returns the step's throughput.
         *
         * @return examples per second
         */
        public double examplesPerSecond() {
            return seconds > 0 ? examples / seconds : 0;
        }

        /**
         * Returns the step's throughput in tokens.
         *
         * @return real tokens per second
         */
        public double tokensPerSecond() {
            return seconds > 0 ? tokens / seconds : 0;
        }
    }
}
