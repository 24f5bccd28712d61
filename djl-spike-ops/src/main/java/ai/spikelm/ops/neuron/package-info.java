/**
 * Spiking neurons as DJL blocks. All take an input with a leading time axis {@code [T, ...]} and
 * return spikes of the same shape.
 *
 * <p>{@link ai.spikelm.ops.neuron.ElasticBiSpikingNeuron} is SpikeLM's neuron: bidirectional
 * ternary spikes {@code {-α, 0, +α}} with a per-step elastic amplitude α calibrated on the first
 * batch, or, with a {@link ai.spikelm.ops.neuron.SpikeCalibrator}, over the real (unpadded)
 * positions of a chosen batch. {@link ai.spikelm.ops.neuron.TernarySpikeQuantizer} is the membrane-free single-step
 * variant used for keys and values. {@link ai.spikelm.ops.neuron.LifNeuron} is the classic {0,1}
 * baseline. {@link ai.spikelm.ops.neuron.ElasticSpike} holds the spike function itself with its
 * straight-through and LSQ gradients, for anyone writing their own neuron.
 *
 * <p>Calibrated, unmonitored inference skips the autograd-friendly generic path and spikes in one
 * pass over the array's memory: a C kernel built into the jar on linux-x86_64, the same loop in
 * Java elsewhere, both bit for bit the generic path's spikes.
 */
package ai.spikelm.ops.neuron;
