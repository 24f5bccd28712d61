package ai.spikelm.ops.neuron;

import ai.djl.nn.Block;

/**
 * A block that turns an input with a leading time axis {@code [T, ...]} into spikes of the same
 * shape.
 *
 * <p>Layers use this to tell spike inputs (costed as accumulates) from real-valued ones.
 */
public interface SpikingNeuron extends Block {

    /**
     * Returns the number of time steps T this neuron runs.
     *
     * @return T, at least 1
     */
    int getTimeSteps();
}
