package ai.spikelm.ops.neuron;

import ai.djl.nn.Block;
import ai.djl.util.PairList;

/**
 * A block that turns an input with a leading time axis {@code [T, ...]} into spikes of the same
 * shape.
 *
 * <p>Layers use this to tell spike inputs (costed as accumulates) from real-valued ones.
 */
public interface SpikingNeuron extends Block {

    /**
     * Forward parameter (value {@link Boolean#TRUE}): the caller gives up its input array, so at
     * inference a neuron may write the spikes over it instead of into a new array. Blocks that
     * create an array only to spike it (a projection, an activation) pass it; others must not.
     * Layers pass their forward parameters on to their neuron.
     */
    String INPUT_OWNED = "spikelm.input_owned";

    /**
     * Returns forward parameters that hand the input over ({@link #INPUT_OWNED}).
     *
     * @return a new parameter list
     */
    static PairList<String, Object> inputOwned() {
        PairList<String, Object> params = new PairList<>();
        params.add(INPUT_OWNED, Boolean.TRUE);
        return params;
    }

    /**
     * Returns whether forward parameters hand the input over.
     *
     * @param params forward parameters, possibly {@code null}
     * @return true if {@link #INPUT_OWNED} is {@code true}
     */
    static boolean inputOwned(PairList<String, Object> params) {
        return params != null && Boolean.TRUE.equals(params.get(INPUT_OWNED));
    }

    /**
     * Returns the number of time steps T this neuron runs.
     *
     * @return T, at least 1
     */
    int getTimeSteps();
}
