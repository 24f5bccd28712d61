package ai.spikelm.zoo.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A checkpoint split into several safetensors files, read through its {@code
 * model.safetensors.index.json}.
 *
 * <p>The index is a JSON object with a {@code weight_map} from tensor name to shard file name and
 * an optional {@code metadata} object; other top-level keys are ignored. {@link #open(Path)}
 * refuses shard names that are not plain file names in the index's directory (no separators, no
 * {@code ..}, not absolute), opens and validates every shard, and checks that each shard holds the
 * tensors the index assigns to it. Tensors a shard holds but the index does not name are not
 * exposed. Symbolic links are followed, as in a Hugging Face cache snapshot.
 */
public final class ShardedSafetensors implements CheckpointReader {

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private final Path index;
    private final Map<String, SafetensorsFile> shardOf;
    private final Map<String, SafetensorsFile> shards;
    private final Map<String, String> metadata;

    private ShardedSafetensors(
            Path index,
            Map<String, SafetensorsFile> shardOf,
            Map<String, SafetensorsFile> shards,
            Map<String, String> metadata) {
        this.index = index;
        this.shardOf = shardOf;
        this.shards = shards;
        this.metadata = metadata;
    }

    /**
     * Opens a sharded checkpoint and validates its index and every shard.
     *
     * @param indexFile the index, usually {@code model.safetensors.index.json}
     * @return the checkpoint
     * @throws MalformedCheckpointException if the index or a shard is malformed, a shard is
     *     missing, a shard name escapes the directory, or a shard lacks a tensor assigned to it
     * @throws IOException if a file cannot be read
     */
    public static ShardedSafetensors open(Path indexFile) throws IOException {
        JsonNode root = readIndex(indexFile);
        JsonNode weightMap = root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new MalformedCheckpointException(indexFile, "index has no weight_map object");
        }
        Map<String, String> metadata = metadata(indexFile, root.get("metadata"));
        // Normalized so that the containment check below compares like with like.
        Path dir = indexFile.toAbsolutePath().normalize().getParent();
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, SafetensorsFile> shardOf = new LinkedHashMap<>();
        boolean ok = false;
        try {
            for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
                String tensor = e.getKey();
                if (!e.getValue().isTextual()) {
                    throw new MalformedCheckpointException(
                            indexFile, "weight_map entry of '" + tensor + "' is not a file name");
                }
                String shardName = e.getValue().asText();
                SafetensorsFile shard = shards.get(shardName);
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
                shards.values().forEach(SafetensorsFile::close);
            }
        }
        return new ShardedSafetensors(
                indexFile,
                Collections.unmodifiableMap(shardOf),
                Collections.unmodifiableMap(shards),
                metadata);
    }

    /** Reads an index file, bounded in size, as a JSON object. */
    static JsonNode readIndex(Path indexFile) throws IOException {
        long size = Files.size(indexFile);
        // The index is read whole; bound it as a safetensors header is bounded.
        if (size > SafetensorsHeader.MAX_HEADER_BYTES) {
            throw new MalformedCheckpointException(
                    indexFile,
                    "index of "
                            + size
                            + " bytes exceeds the limit of "
                            + SafetensorsHeader.MAX_HEADER_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(indexFile));
        } catch (JsonProcessingException e) {
            throw new MalformedCheckpointException(
                    indexFile, "index is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedCheckpointException(indexFile, "index is not a JSON object");
        }
        return root;
    }

    /** Converts the index metadata to strings: scalars by their text, anything else as JSON. */
    static Map<String, String> metadata(Path indexFile, JsonNode node)
            throws MalformedCheckpointException {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new MalformedCheckpointException(indexFile, "index metadata is not an object");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            map.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
        }
        return Collections.unmodifiableMap(map);
    }

    private static SafetensorsFile openShard(
            Path indexFile, Path dir, String shardName, String tensor) throws IOException {
        Path file = resolveShard(indexFile, dir, shardName, tensor);
        try {
            return SafetensorsFile.open(file);
        } catch (NoSuchFileException e) {
            throw new MalformedCheckpointException(
                    indexFile,
                    "shard '" + shardName + "' of tensor '" + tensor + "' does not exist",
                    e);
        }
    }

    /**
     * Resolves a shard name in the index's directory, refusing anything but a plain file name so
     * that an index cannot point at files elsewhere.
     */
    static Path resolveShard(Path indexFile, Path dir, String shardName, String tensor)
            throws MalformedCheckpointException {
        boolean plain =
                !shardName.isEmpty()
                        && !shardName.equals(".")
                        && !shardName.equals("..")
                        && shardName.indexOf('/') < 0
                        && shardName.indexOf('\\') < 0
                        && shardName.indexOf('\0') < 0;
        Path file = null;
        if (plain) {
            file = dir.resolve(shardName).normalize();
            // Belt and braces for platform quirks such as drive-relative names on Windows.
            plain = dir.equals(file.getParent());
        }
        if (!plain) {
            throw new MalformedCheckpointException(
                    indexFile,
                    "shard name '"
                            + shardName
                            + "' of tensor '"
                            + tensor
                            + "' is not a plain file name in the checkpoint directory");
        }
        return file;
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
     * Returns the shard file name the index assigns to a tensor.
     *
     * @param name the tensor name
     * @return the shard's path
     * @throws NoSuchElementException if there is no such tensor
     */
    public Path shardOf(String name) {
        return shard(name).path();
    }

    /**
     * Returns the open shards by file name.
     *
     * @return the shards, unmodifiable, in the order the index first names them
     */
    public Map<String, SafetensorsFile> shards() {
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
     * <p>This is the index's {@code metadata} (such as {@code total_size}), with non-string values
     * given as their JSON text; each shard's own metadata is in {@link #shards()}.
     */
    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        shards.values().forEach(SafetensorsFile::close);
    }

    private SafetensorsFile shard(String name) {
        SafetensorsFile shard = shardOf.get(name);
        if (shard == null) {
            throw new NoSuchElementException("No tensor '" + name + "' in " + index);
        }
        return shard;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "ShardedSafetensors["
                + index
                + ", "
                + shardOf.size()
                + " tensors in "
                + shards.size()
                + " shards]";
    }
}
