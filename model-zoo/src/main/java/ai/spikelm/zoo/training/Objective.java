package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDArray;
import ai.spikelm.zoo.core.TrainableModel;

/**
 * What training minimises: the loss of one micro-batch.
 *
 * <p>The trainer calls it inside a gradient collector, with every array in the step's manager;
 * the objective runs the model in training mode ({@code training = true}) and returns a scalar.
 * The type parameter is the model family it applies to. Implementations: {@link TaskObjective} (fine-tuning), {@link DistillationObjective} (from an ANN
 * teacher) and {@link PreTrainingObjective} (masked-LM and next-sentence prediction).
 */
@FunctionalInterface
public interface Objective<M extends TrainableModel> {

    /**
     * Computes the loss of a micro-batch.
     *
     * @param model the model being trained
     * @param batch the micro-batch
     * @param context the step's manager, parameter store and random source
     * @return a differentiable scalar
     */
    NDArray loss(M model, TrainingBatch batch, StepContext context);
}
