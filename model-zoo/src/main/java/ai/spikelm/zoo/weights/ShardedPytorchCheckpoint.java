package ai.spikelm.zoo.weights;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A PyTorch checkpoint split into several {@code torch.save} archives, read through its {@code
 * pytorch_model.bin.index.json}.
 *
 * <p>The index has the same form as a sharded safetensors index (a {@code weight_map} from tensor
 * name to shard file name, and optional {@code metadata}) and is checked the same way: shard names
 * must be plain file names in the index's directory, and each shard must hold the tensors assigned
 * to it. Every shard is opened with {@link PytorchCheckpoint#open(Path)}, so the same restricted
 * unpickling applies.
 */
public final class ShardedPytorchCheckpoint implements CheckpointReader {

    private final Path index;
    private final Map<String, PytorchCheckpoint> shardOf;
    private final Map<String, PytorchCheckpoint> shards;
    private final Map<String, String> metadata;

    private ShardedPytorchCheckpoint(
            Path index,
            Map<String, PytorchCheckpoint> shardOf,
            Map<String, PytorchCheckpoint> shards,
            Map<String, String> metadata) {
        this.index = index;
        this.shardOf = shardOf;
        this.shards = shards;
        this.metadata = metadata;
    }

    /**
     * Opens a sharded checkpoint and validates its index and every shard.
     *
     * @param indexFile the index, usually {@code pytorch_model.bin.index.json}
     * @return the checkpoint; the caller closes it
     * @throws UnsafeCheckpointException if a shard's pickle asks for something not allowed
     * @throws MalformedCheckpointException if the index or a shard is malformed, a shard is missing
     *     or escapes the directory, or lacks a tensor assigned to it
     * @throws IOException if a file cannot be read
     */
    public static ShardedPytorchCheckpoint open(Path indexFile) throws IOException {
        JsonNode root = ShardedSafetensors.readIndex(indexFile);
        JsonNode weightMap = root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new MalformedCheckpointException(indexFile, "index has no weight_map object");
        }
        Map<String, String> metadata = ShardedSafetensors.metadata(indexFile, root.get("metadata"));
        Path dir = indexFile.toAbsolutePath().normalize().getParent();
        Map<String, PytorchCheckpoint> shards = new LinkedHashMap<>();
        Map<String, PytorchCheckpoint> shardOf = new LinkedHashMap<>();
        boolean ok = false;
        try {
            for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
                String tensor = e.getKey();
                if (!e.getValue().isTextual()) {
                    throw new MalformedCheckpointException(
                            indexFile, "weight_map entry of '" + tensor + "' is not a file name");
                }
                String shardName = e.getValue().asText();
                PytorchCheckpoint shard = shards.get(shardName);
                if (shard == null) {
                    shard = openShard(indexFile, dir, shardName, tensor);
                    shards.put(shardName, shard);
                }
                if (!shard.contains(tensor)) {
                    throw new MalformedCheckpointException(
                            indexFile,
                            "index puts tensor '"
                                    + tensor
                                    + "' in shard '"
                                    + shardName
                                    + "', which does not hold it");
                }
                shardOf.put(tensor, shard);
            }
            ok = true;
        } finally {
            if (!ok) {
                shards.values().forEach(PytorchCheckpoint::close);
            }
        }
        return new ShardedPytorchCheckpoint(
                indexFile,
                Collections.unmodifiableMap(shardOf),
                Collections.unmodifiableMap(shards),
                metadata);
    }

    private static PytorchCheckpoint openShard(
            Path indexFile, Path dir, String shardName, String tensor) throws IOException {
        Path file = ShardedSafetensors.resolveShard(indexFile, dir, shardName, tensor);
        try {
            return PytorchCheckpoint.open(file);
        } catch (NoSuchFileException e) {
            throw new MalformedCheckpointException(
                    indexFile,
                    "shard '" + shardName + "' of tensor '" + tensor + "' does not exist",
                    e);
        }
    }

    /**
     * Returns the index file this checkpoint was opened from.
     *
     * @return the index path
     */
    public Path index() {
        return index;
    }

    /**
     * Returns the open shards by file name.
     *
     * @return the shards, unmodifiable, in the order the index first names them
     */
    public Map<String, PytorchCheckpoint> shards() {
        return shards;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The names are in the order of the index's {@code weight_map}.
     */
    @Override
    public Set<String> names() {
        return shardOf.keySet();
    }

    /** {@inheritDoc} */
    @Override
    public boolean contains(String name) {
        return shardOf.containsKey(name);
    }

    /** {@inheritDoc} */
    @Override
    public TensorInfo info(String name) {
        return shard(name).info(name);
    }

    /** {@inheritDoc} */
    @Override
    public HostTensor get(String name) {
        return shard(name).get(name);
    }

    /**
     * {@inheritDoc}
     *
     * <p>This is the index's {@code metadata} (such as {@code total_size}).
     */
    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        shards.values().forEach(PytorchCheckpoint::close);
    }

    private PytorchCheckpoint shard(String name) {
        PytorchCheckpoint shard = shardOf.get(name);
        if (shard == null) {
            throw new NoSuchElementException("No tensor '" + name + "' in " + index);
        }
        return shard;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "ShardedPytorchCheckpoint["
                + index
                + ", "
                + shardOf.size()
                + " tensors in "
                + shards.size()
                + " shards]";
    }
}
