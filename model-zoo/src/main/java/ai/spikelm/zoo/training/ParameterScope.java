package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.spikelm.zoo.core.HfWeights;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Lends a model's parameter arrays to a short-lived manager.
 *
 * <p>An operation's result belongs to the manager of the array it is called on, so a forward pass
 * that calls methods on a parameter (such as {@code alpha.get(t)}) would otherwise leave arrays in
 * the model's manager after every step. Temporarily attached, the parameters lend their manager to
 * such results, which close with the step, and go back to their own manager when it closes.
 */
final class ParameterScope {

    private ParameterScope() {}

    /**
     * Returns the distinct initialised parameter arrays of a block (a shared parameter once).
     *
     * @param block the block
     * @return the arrays, in tree order
     */
    static List<NDArray> arrays(Block block) {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<NDArray> out = new ArrayList<>();
        for (Parameter p : HfWeights.parameters(block).values()) {
            if (seen.add(p) && p.isInitialized()) {
                out.add(p.getArray());
            }
        }
        return out;
    }

    /**
     * Attaches arrays to {@code manager} until it closes.
     *
     * @param arrays distinct arrays (attaching one twice to the same manager would lose its owner)
     * @param manager the short-lived manager
     */
    static void lend(List<NDArray> arrays, NDManager manager) {
        for (NDArray array : arrays) {
            array.tempAttach(manager);
        }
    }
}
