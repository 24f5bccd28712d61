package ai.spikelm.zoo.weights;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes tensors in the safetensors format, as one file or as shards with an index.
 *
 * <p>The layout matches the Python library byte for byte: tensors are ordered by descending dtype
 * alignment then by name (so every tensor is naturally aligned once the header is), the compact
 * JSON header lists {@code __metadata__} first and then the tensors in data order, it is padded
 * with spaces to a multiple of 8 bytes, and the data follow contiguously. Metadata keys are written
 * sorted, where the Python library's order of several keys is unspecified; control characters in
 * names are escaped with upper-case hex digits where it uses lower case. Such files read the same.
 *
 * <p>Every file is written to a temporary file in the target directory, forced to disk and then
 * renamed over the target, so a reader never sees a half-written file.
 */
public final class SafetensorsWriter {

    /** Shard file names, as Hugging Face {@code save_pretrained} writes them. */
    static final String SHARD_NAME_FORMAT = "model-%05d-of-%05d.safetensors";

    // Characters outside the BMP go out as raw UTF-8, as serde_json writes them, not as escapes.
    private static final JsonFactory JSON =
            JsonFactory.builder()
                    .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                    .build();

    private SafetensorsWriter() {}

    /**
     * Writes tensors to one file, without metadata.
     *
     * @param file the file to create or replace
     * @param tensors the tensors by name
     * @throws IOException if writing fails
     */
    public static void write(Path file, Map<String, HostTensor> tensors) throws IOException {
        write(file, tensors, null);
    }

    /**
     * Writes tensors and metadata to one file.
     *
     * @param file the file to create or replace
     * @param tensors the tensors by name
     * @param metadata the {@code __metadata__} map, or {@code null} to write none (an empty map is
     *     written as an empty object, as the Python library does)
     * @throws IllegalArgumentException if a name is {@code __metadata__} or the header would exceed
     *     the 100 MB limit of the format
     * @throws IOException if writing fails
     */
    public static void write(
            Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
            throws IOException {
        List<Map.Entry<String, HostTensor>> ordered = ordered(tensors);
        byte[] header = header(ordered, metadata);
        writeAtomically(
                file,
                channel -> {
                    ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                    prefix.putLong(0, header.length);
                    writeFully(channel, prefix);
                    writeFully(channel, ByteBuffer.wrap(header));
                    for (Map.Entry<String, HostTensor> e : ordered) {
                        writeFully(channel, e.getValue().data());
                    }
                });
    }

    /**
     * Writes tensors as shards of at most {@code maxShardBytes} of tensor data each, with a {@code
     * model.safetensors.index.json} index, the way Hugging Face {@code save_pretrained} does.
     *
     * <p>Tensors are taken in the map's iteration order (pass a {@link java.util.LinkedHashMap} to
     * keep related tensors together); a new shard starts when the next tensor would overflow the
     * current one, and a tensor larger than the limit gets a shard of its own. Shards are named
     * {@code model-00001-of-00003.safetensors} and so on; if everything fits in one shard, a single
     * {@code model.safetensors} is written and no index. The index is written last, so it never
     * refers to a shard not yet on disk. Shards of an earlier, differently sharded checkpoint in
     * the same directory are not removed.
     *
     * @param dir the directory, which must exist
     * @param tensors the tensors by name
     * @param metadata the {@code __metadata__} map of every shard, or {@code null}
     * @param maxShardBytes the largest amount of tensor data per shard, positive
     * @return the file to open: the index, or {@code model.safetensors} if there is one shard
     * @throws IOException if writing fails
     */
    public static Path writeSharded(
            Path dir,
            Map<String, HostTensor> tensors,
            Map<String, String> metadata,
            long maxShardBytes)
            throws IOException {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive: " + maxShardBytes);
        }
        List<Map<String, HostTensor>> shards = plan(tensors, maxShardBytes);
        if (shards.size() <= 1) {
            Path file = dir.resolve(SafetensorsCheckpoint.SINGLE_FILE_NAME);
            write(file, tensors, metadata);
            return file;
        }
        Map<String, String> weightMap = new TreeMap<>();
        long totalSize = 0;
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format(SHARD_NAME_FORMAT, i + 1, shards.size());
            write(dir.resolve(name), shards.get(i), metadata);
            for (Map.Entry<String, HostTensor> e : shards.get(i).entrySet()) {
                weightMap.put(e.getKey(), name);
                totalSize += e.getValue().byteSize();
            }
        }
        Path index = dir.resolve(SafetensorsCheckpoint.INDEX_FILE_NAME);
        byte[] json = index(totalSize, weightMap);
        writeAtomically(index, channel -> writeFully(channel, ByteBuffer.wrap(json)));
        return index;
    }

    /** Groups tensors, in iteration order, into shards of at most {@code max} bytes. */
    private static List<Map<String, HostTensor>> plan(Map<String, HostTensor> tensors, long max) {
        List<Map<String, HostTensor>> shards = new ArrayList<>();
        Map<String, HostTensor> current = new TreeMap<>();
        long size = 0;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            long bytes = e.getValue().byteSize();
            if (!current.isEmpty() && size + bytes > max) {
                shards.add(current);
                current = new TreeMap<>();
                size = 0;
            }
            current.put(e.getKey(), e.getValue());
            size += bytes;
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(current);
        }
        return shards;
    }

    /** Orders tensors as the Python library does: descending alignment, then by name. */
    static List<Map.Entry<String, HostTensor>> ordered(Map<String, HostTensor> tensors) {
        List<Map.Entry<String, HostTensor>> ordered = new ArrayList<>();
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "tensor name");
            Objects.requireNonNull(e.getValue(), "tensor " + name);
            if (SafetensorsHeader.METADATA_KEY.equals(name)) {
                throw new IllegalArgumentException(
                        "'" + SafetensorsHeader.METADATA_KEY + "' is reserved, not a tensor name");
            }
            ordered.add(Map.entry(name, e.getValue()));
        }
        ordered.sort(
                Comparator.<Map.Entry<String, HostTensor>>comparingInt(
                                e -> -alignmentRank(e.getValue().dtype()))
                        .thenComparing(Map.Entry::getKey));
        return ordered;
    }

    /**
     * The position of a dtype in the reference implementation's dtype enumeration, which is in
     * increasing alignment; mirroring it makes our files byte-identical to the Python library's.
     */
    private static int alignmentRank(TensorDType dtype) {
        switch (dtype) {
            case BOOL:
                return 0;
            case U8:
                return 1;
            case I8:
                return 2;
            case I16:
                return 3;
            case F16:
                return 4;
            case BF16:
                return 5;
            case I32:
                return 6;
            case F32:
                return 7;
            case F64:
                return 8;
            case I64:
                return 9;
            default:
                throw new IllegalArgumentException("No alignment rank for " + dtype);
        }
    }

    /** Encodes the compact JSON header, padded with spaces to a multiple of 8 bytes. */
    static byte[] header(List<Map.Entry<String, HostTensor>> ordered, Map<String, String> metadata)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (metadata != null) {
                g.writeObjectFieldStart(SafetensorsHeader.METADATA_KEY);
                for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                    g.writeStringField(
                            e.getKey(), Objects.requireNonNull(e.getValue(), e.getKey()));
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (Map.Entry<String, HostTensor> e : ordered) {
                HostTensor t = e.getValue();
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("dtype", t.dtype().safetensorsName());
                g.writeArrayFieldStart("shape");
                for (long d : t.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                offset += t.byteSize();
                g.writeNumber(offset);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        while (out.size() % 8 != 0) {
            out.write(' ');
        }
        if (out.size() > SafetensorsHeader.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException(
                    "Header of "
                            + out.size()
                            + " bytes exceeds the safetensors limit of "
                            + SafetensorsHeader.MAX_HEADER_BYTES);
        }
        return out.toByteArray();
    }

    /** Encodes the shard index the way {@code json.dumps(index, indent=2, sort_keys=True)} does. */
    private static byte[] index(long totalSize, Map<String, String> weightMap) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DefaultPrettyPrinter pretty =
                new DefaultPrettyPrinter(
                                Separators.createDefaultInstance()
                                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                        .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.setPrettyPrinter(pretty);
            g.writeStartObject();
            g.writeObjectFieldStart("metadata");
            g.writeNumberField("total_size", totalSize);
            g.writeEndObject();
            g.writeObjectFieldStart("weight_map");
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** Writes a file through a temporary sibling and a rename. */
    private static void writeAtomically(Path target, ChannelWriter body) throws IOException {
        Path tmp = createSibling(target);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                body.write(channel);
                channel.force(true);
            }
            try {
                Files.move(
                        tmp,
                        target,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Same directory, so this only happens on unusual file systems.
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Creates an empty hidden file next to the target. Unlike {@code Files.createTempFile} it gets
     * the default permissions, which the renamed file keeps.
     */
    private static Path createSibling(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String base = "." + target.getFileName() + ".";
        while (true) {
            Path tmp =
                    dir.resolve(
                            base
                                    + Long.toHexString(ThreadLocalRandom.current().nextLong())
                                    + ".tmp");
            try {
                FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                        .close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                // Astronomically unlikely; draw another name.
            }
        }
    }

    private static void writeFully(WritableByteChannel channel, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /** The body of a file write. */
    @FunctionalInterface
    private interface ChannelWriter {
        void write(FileChannel channel) throws IOException;
    }
}
