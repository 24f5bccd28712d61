package ai.spikelm.zoo.core;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

/**
 * Which of a model's weight arrays autograd follows.
 *
 * <p>Why it matters: the PyTorch engine's grad mode is per thread and on in every thread it has
 * not seen, so an inference pass on a server's, an executor's or a Spark task's thread over
 * weights that require gradients records a graph and keeps every intermediate it needs. Measured
 * on all-MiniLM-L6-v2, 8 fresh threads embedding 32 inputs of about 128 tokens each at once: the
 * process peaked 4.1 GB above the loaded model with its weights in autograd, 0.66 GB with them out
 * of it. So every model {@link ai.spikelm.zoo.family.ModelFamilies} loads comes out of autograd
 * ({@link #detach}), and a trainer puts back what it trains ({@link #attachTrainable}).
 */
public final class Gradients {

    private Gradients() {}

    /**
     * Takes every initialised weight array under {@code model} out of autograd, leaving the
     * parameters' own trainable flags ({@link Parameter#requiresGradient()}) as they are.
     *
     * @param model the model
     */
    public static void detach(Block model) {
        for (Parameter p : HfWeights.parameters(model).values()) {
            if (p.isInitialized() && p.getArray().hasGradient()) {
                p.getArray().setRequiresGradient(false);
            }
        }
    }

    /**
     * Puts into autograd the arrays of the parameters that train (those whose {@link
     * Parameter#requiresGradient()} is true, that is, not frozen), whether or not they were
     * {@link #detach detached}.
     *
     * @param model the model
     */
    public static void attachTrainable(Block model) {
        for (Parameter p : HfWeights.parameters(model).values()) {
            if (p.isInitialized() && p.requiresGradient()) {
                NDArray array = p.getArray();
                if (!array.hasGradient()) {
                    array.setRequiresGradient(true);
                }
            }
        }
    }
}
