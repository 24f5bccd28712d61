package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * What an {@link Objective} gets for one micro-batch: a manager that closes when the micro-batch
 * is done, a parameter store, a random source seeded from the run's seed and the micro-batch
 * number, and a place to report loss components to listeners.
 */
public final class StepContext {

    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final Random random;
    private final Map<String, Float> reported = new LinkedHashMap<>();

    /**
     * Creates a context.
     *
     * @param manager the micro-batch's manager
     * @param random the micro-batch's random source
     */
    StepContext(NDManager manager, Random random) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.parameterStore = new ParameterStore(manager, false);
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Returns the manager for every array of this micro-batch; it closes when the micro-batch is
     * done.
     *
     * @return the manager
     */
    public NDManager getManager() {
        return manager;
    }

    /**
     * Returns the parameter store to run blocks with.
     *
     * @return the parameter store
     */
    public ParameterStore getParameterStore() {
        return parameterStore;
    }

    /**
     * Returns the random source for this micro-batch (masking and the like).
     *
     * @return a {@link Random} seeded from (run seed, micro-batch number)
     */
    public Random getRandom() {
        return random;
    }

    /**
     * Lends another model's parameters (a teacher's) to this micro-batch's manager, so arrays its
     * forward pass derives from them close with the micro-batch. The trained model's parameters
     * are already lent. Lend a block at most once per micro-batch.
     *
     * @param block the other model
     */
    public void lend(Block block) {
        ParameterScope.lend(ParameterScope.arrays(block), manager);
    }

    /**
     * Reports a component of the loss (for example {@code "mlm_loss"}) to the listeners; the
     * trainer averages it over the micro-batches of a step.
     *
     * @param name the component's name
     * @param value a scalar
     */
    public void report(String name, NDArray value) {
        reported.put(name, value.getFloat());
    }

    /**
     * Returns the reported components.
     *
     * @return name → value
     */
    Map<String, Float> reported() {
        return Collections.unmodifiableMap(reported);
    }
}
