/**
 * Engine-neutral spiking building blocks for Deep Java Library, as used by SpikeLM (Xing et al.,
 * ICML 2024).
 *
 * <ul>
 *   <li>{@link ai.spikelm.ops.neuron}: the elastic bi-spiking neuron, the single-step ternary
 *       quantiser, the LIF baseline neuron and amplitude calibration.
 *   <li>{@link ai.spikelm.ops.nn}: layers built from neurons, such as the spiking linear layer, and
 *       the time-axis helpers.
 *   <li>{@link ai.spikelm.ops.kernel}: native inference kernels (spiking recurrence, dense
 *       products, attention) where the platform has them.
 *   <li>{@link ai.spikelm.ops.stats}: firing rates, synaptic operations and the energy model.
 * </ul>
 *
 * <p>Nothing here knows about model families; everything runs on any DJL engine through ordinary
 * {@link ai.djl.ndarray.NDArray} operations (no custom autograd).
 */
package ai.spikelm.ops;
