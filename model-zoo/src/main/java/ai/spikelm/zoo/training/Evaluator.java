package ai.spikelm.zoo.training;

import ai.spikelm.zoo.core.TrainableModel;

/**
 * Evaluates the model after each epoch (for example on a GLUE dev set); {@link Predictions} runs
 * the model on batches without leaking arrays.
 */
@FunctionalInterface
public interface Evaluator<M extends TrainableModel> {

    /**
     * Evaluates the model.
     *
     * @param model the model, as trained so far
     * @param epoch the epoch just finished, from 0
     * @return the metrics
     */
    EvaluationResult evaluate(M model, int epoch);
}
