/**
 * Checkpoint tensors in host memory and the file formats that hold them (safetensors in and out,
 * PyTorch {@code pytorch_model.bin} in).
 *
 * <p>Everything here works on bytes in Java; nothing reaches an engine until {@link
 * ai.spikelm.zoo.weights.HostTensor#toNDArray(ai.djl.ndarray.NDManager)}.
 *
 * <ul>
 *   <li>{@link ai.spikelm.zoo.weights.SafetensorsCheckpoint#open(java.nio.file.Path)} opens a model
 *       directory, a {@code .safetensors} file or a sharded index as a {@link
 *       ai.spikelm.zoo.weights.CheckpointReader};
 *   <li>{@link ai.spikelm.zoo.weights.SafetensorsFile} validates one file strictly and serves its
 *       tensors as zero-copy slices of a memory mapping;
 *   <li>{@link ai.spikelm.zoo.weights.ShardedCheckpoint} joins the shards named by a {@code
 *       model.safetensors.index.json};
 *   <li>{@link ai.spikelm.zoo.weights.SafetensorsWriter} writes files (and shards with their index)
 *       byte-compatible with the Python library, atomically;
 *   <li>{@link ai.spikelm.zoo.weights.PytorchCheckpoint} reads a {@code torch.save} zip archive of
 *       a state dict without running its pickle: a restricted virtual machine allows only the
 *       opcodes and globals a state dict needs and refuses anything else with an {@link
 *       ai.spikelm.zoo.weights.UnsafeCheckpointException}; {@link
 *       ai.spikelm.zoo.weights.ShardedCheckpoint} joins the shards of a {@code
 *       pytorch_model.bin.index.json}. {@link
 *       ai.spikelm.zoo.weights.SafetensorsCheckpoint#open(java.nio.file.Path, boolean)} falls back
 *       to them only when asked, and only when there is no safetensors.
 * </ul>
 *
 * <p>A malformed checkpoint is refused with a {@link
 * ai.spikelm.zoo.weights.MalformedCheckpointException} naming the file and the problem.
 */
package ai.spikelm.zoo.weights;
