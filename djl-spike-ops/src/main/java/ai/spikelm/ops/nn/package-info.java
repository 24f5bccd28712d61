/**
 * Layers built from spiking neurons: {@link ai.spikelm.ops.nn.SpikingLinear} (a neuron followed by
 * a full-precision linear map) and {@link ai.spikelm.ops.nn.TimeAxis} (repeating an input over T
 * steps and averaging outputs over them).
 */
package ai.spikelm.ops.nn;
