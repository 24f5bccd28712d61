/**
 * Checkpoint tensors in host memory and the file formats that hold them (safetensors in and out).
 *
 * <p>Everything here works on bytes in Java; nothing reaches an engine until {@link
 * ai.spikelm.zoo.weights.HostTensor#toNDArray(ai.djl.ndarray.NDManager)}.
 */
package ai.spikelm.zoo.weights;
