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
 * A checkpoint split into several files, read through its index ({@code
 * model.safetensors.index.json} or {@code pytorch_model.bin.index.json}); {@link
 * #safetensors(Path)} and {@link #pytorch(Path)} open the two kinds.
 *
 * <p>The index is a JSON object with a {@code weight_map} from tensor name to shard file name and
 * an optional {@code metadata} object; other top-level keys are ignored. {@link #open(Path, ShardOpener)}
 * refuses shard names that are not plain file names in the index's directory (no separators, no
 * {@code ..}, not absolute), opens and validates every shard, and checks that each shard holds the
 * tensors the index assigns to it. Tensors a shard holds but the index does not name are not
 * exposed. Symbolic links are followed, as in a Hugging Face cache snapshot.
 */
public final class ShardedCheckpoint<R extends CheckpointReader> implements CheckpointReader {

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private final Path index;
    private final Map<String, R> shardOf;
    private final Map<String, Path> fileOf;
    private final Map<String, R> shards;
    private final Map<String, String> metadata;

    private ShardedCheckpoint(
            Path index,
            Map<String, R> shardOf,
            Map<String, Path> fileOf,
            Map<String, R> shards,
            Map<String, String> metadata) {
        this.index = index;
        this.shardOf = shardOf;
        this.fileOf = fileOf;
        this.shards = shards;
        this.metadata = metadata;
    }

    /** Opens one shard file. */
    @FunctionalInterface
    public interface ShardOpener<R extends CheckpointReader> {
        /**
         * Opens a shard.
         *
         * @param file the shard file
         * @return the reader
         * @throws IOException if the file cannot be read or is malformed
         */
        R open(Path file) throws IOException;
    }

    /**
     * Opens sharded safetensors ({@code model.safetensors.index.json}).
     *
     * @param indexFile the index
     * @return the checkpoint; the caller closes it
     * @throws IOException as {@link #open(Path, ShardOpener)}
     */
    public static ShardedCheckpoint<SafetensorsFile> safetensors(Path indexFile) throws IOException {
        return open(indexFile, SafetensorsFile::open);
    }

    /**
     * Opens sharded PyTorch checkpoints ({@code pytorch_model.bin.index.json}), each read by the
     * restricted unpickler of {@link PytorchCheckpoint}.
     *
     * @param indexFile the index
     * @return the checkpoint; the caller closes it
     * @throws UnsafeCheckpointException if a shard's pickle asks for something not allowed
     * @throws IOException as {@link #open(Path, ShardOpener)}
     */
    public static ShardedCheckpoint<PytorchCheckpoint> pytorch(Path indexFile) throws IOException {
        return open(indexFile, PytorchCheckpoint::open);
    }

    /**
     * Opens a sharded checkpoint and validates its index and every shard.
     *
     * @param indexFile the index
     * @param opener opens one shard file
     * @param <R> the shard reader type
     * @return the checkpoint; the caller closes it
     * @throws MalformedCheckpointException if the index or a shard is malformed, a shard is
     *     missing, a shard name escapes the directory, or a shard lacks a tensor assigned to it
     * @throws IOException if a file cannot be read
     */
    public static <R extends CheckpointReader> ShardedCheckpoint<R> open(Path indexFile, ShardOpener<R> opener)
            throws IOException {
        JsonNode root = readIndex(indexFile);
        JsonNode weightMap = root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new MalformedCheckpointException(indexFile, "index has no weight_map object");
        }
        Map<String, String> metadata = metadata(indexFile, root.get("metadata"));
        // Normalized so that the containment check below compares like with like.
        Path dir = indexFile.toAbsolutePath().normalize().getParent();
        Map<String, R> shards = new LinkedHashMap<>();
        Map<String, R> shardOf = new LinkedHashMap<>();
        Map<String, Path> fileOf = new LinkedHashMap<>();
        boolean ok = false;
        try {
            for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
                String tensor = e.getKey();
                if (!e.getValue().isTextual()) {
                    throw new MalformedCheckpointException(
                            indexFile, "weight_map entry of '" + tensor + "' is not a file name");
                }
                String shardName = e.getValue().asText();
                R shard = shards.get(shardName);
                if (shard == null) {
                    shard = openShard(indexFile, dir, shardName, tensor, opener);
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
                fileOf.put(tensor, dir.resolve(shardName));
            }
            ok = true;
        } finally {
            if (!ok) {
                shards.values().forEach(CheckpointReader::close);
            }
        }
        return new ShardedCheckpoint<>(
                indexFile,
                Collections.unmodifiableMap(shardOf),
                Collections.unmodifiableMap(fileOf),
                Collections.unmodifiableMap(shards),
                metadata);
    }

    /** Reads an index file, bounded in size, as a JSON object. */
    private static JsonNode readIndex(Path indexFile) throws IOException {
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
    private static Map<String, String> metadata(Path indexFile, JsonNode node)
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

    private static <R extends CheckpointReader> R openShard(
            Path indexFile, Path dir, String shardName, String tensor, ShardOpener<R> opener)
            throws IOException {
        Path file = resolveShard(indexFile, dir, shardName, tensor);
        try {
            return opener.open(file);
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
    private static Path resolveShard(Path indexFile, Path dir, String shardName, String tensor)
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
        shard(name); // the same error for an unknown name as every accessor
        return fileOf.get(name);
    }

    /**
     * Returns the open shards by file name.
     *
     * @return the shards, unmodifiable, in the order the index first names them
     */
    public Map<String, R> shards() {
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
        shards.values().forEach(CheckpointReader::close);
    }

    private R shard(String name) {
        R shard = shardOf.get(name);
        if (shard == null) {
            throw new NoSuchElementException("No tensor '" + name + "' in " + index);
        }
        return shard;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "ShardedCheckpoint["
                + index
                + ", "
                + shardOf.size()
                + " tensors in "
                + shards.size()
                + " shards]";
    }
}
