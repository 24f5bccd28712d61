/**
 * Native inference kernels (C, built into the jar on linux-x86_64): the neurons' one-pass spiking
 * recurrence, dense float32 products and scaled dot-product attention, working on the engine's
 * arrays in place, and int8 products of ternary spikes as a labelled, lossy option. {@link ai.spikelm.ops.kernel.NativeKernels} says where they run; everywhere else
 * the same layers use the engine's own operations.
 */
package ai.spikelm.ops.kernel;
