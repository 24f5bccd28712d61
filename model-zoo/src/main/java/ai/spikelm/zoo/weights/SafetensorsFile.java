package ai.spikelm.zoo.weights;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * One {@code .safetensors} file, validated and memory-mapped.
 *
 * <p>The layout is an 8-byte little-endian header length {@code N}, a JSON header of {@code N}
 * bytes, and a data section that the tensors tile exactly. {@link #open(Path)} checks all of it
 * before returning (see {@link MalformedCheckpointException} for what is refused); a malformed file
 * can neither exhaust memory (the header is bounded by 100 MB and by the file size) nor make a
 * tensor read outside its bytes.
 *
 * <p>Tensors are zero-copy slices of read-only mappings. The mappings are made when the file is
 * opened and the file descriptor is closed at once; Java 17 cannot unmap explicitly, so a mapping
 * is released by the garbage collector once this object is closed and no returned tensor refers to
 * it. Files larger than 2 GiB are mapped in segments (see {@code MappedData}). As with any memory
 * mapping, truncating the file while it is mapped makes later reads fail.
 *
 * <p>Instances are safe for use by several threads.
 */
public final class SafetensorsFile implements CheckpointReader {

    private final Path path;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private volatile MappedData data;

    private SafetensorsFile(
            Path path,
            Map<String, TensorInfo> tensors,
            Map<String, String> metadata,
            MappedData data) {
        this.path = path;
        this.tensors = tensors;
        this.metadata = metadata;
        this.data = data;
    }

    /**
     * Opens, validates and maps a safetensors file.
     *
     * @param file the file
     * @return the open file
     * @throws MalformedCheckpointException if the file is not well-formed safetensors
     * @throws IOException if the file cannot be read
     */
    public static SafetensorsFile open(Path file) throws IOException {
        return open(file, MappedData.DEFAULT_SEGMENT_BYTES);
    }

    /** Opens with a given segment limit; tests use a small one to exercise segmenting. */
    static SafetensorsFile open(Path file, long segmentBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long headerLength = readHeaderLength(file, channel, size);
            byte[] json = new byte[(int) headerLength];
            readFully(channel, ByteBuffer.wrap(json), 8);
            long dataStart = 8 + headerLength;
            SafetensorsHeader header = SafetensorsHeader.parse(file, json, size - dataStart);
            MappedData data = MappedData.map(channel, dataStart, header.tensors(), segmentBytes);
            Map<String, TensorInfo> byName = new LinkedHashMap<>();
            for (TensorInfo t : header.tensors()) {
                byName.put(t.name(), t);
            }
            return new SafetensorsFile(
                    file, Collections.unmodifiableMap(byName), header.metadata(), data);
        }
    }

    /** Reads and bounds the header length so that it can be allocated safely. */
    private static long readHeaderLength(Path file, FileChannel channel, long size)
            throws IOException {
        if (size < 8) {
            throw new MalformedCheckpointException(
                    file, "file is " + size + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, prefix, 0);
        long n = prefix.getLong(0);
        // Unsigned on disk: a negative long is a length of 2^63 or more.
        if (n < 0 || n > SafetensorsHeader.MAX_HEADER_BYTES) {
            throw new MalformedCheckpointException(
                    file,
                    "header length "
                            + Long.toUnsignedString(n)
                            + " exceeds the limit of "
                            + SafetensorsHeader.MAX_HEADER_BYTES
                            + " bytes");
        }
        if (n == 0) {
            throw new MalformedCheckpointException(file, "header length is 0");
        }
        if (n > size - 8) {
            throw new MalformedCheckpointException(
                    file,
                    "header length " + n + " runs past the end of the " + size + "-byte file");
        }
        return n;
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position)
            throws IOException {
        long pos = position;
        while (into.hasRemaining()) {
            int read = channel.read(into, pos);
            if (read < 0) {
                // The file shrank after its size was taken.
                throw new EOFException("Unexpected end of file at byte " + pos);
            }
            pos += read;
        }
    }

    /**
     * Returns the path this file was opened from.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The names are in data-offset order.
     */
    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    /** {@inheritDoc} */
    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** {@inheritDoc} */
    @Override
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new NoSuchElementException("No tensor '" + name + "' in " + path);
        }
        return t;
    }

    /** {@inheritDoc} */
    @Override
    public HostTensor get(String name) {
        TensorInfo t = info(name);
        MappedData mapped = data;
        if (mapped == null) {
            throw new IllegalStateException("Checkpoint " + path + " is closed");
        }
        return new HostTensor(t.dtype(), t.shape(), mapped.slice(t));
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Returns the number of mapped segments, for tests of the large-file design. */
    int segmentCount() {
        MappedData mapped = data;
        return mapped == null ? 0 : mapped.segmentCount();
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        // Dropping the reference lets the collector unmap once returned tensors are gone too.
        data = null;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + tensors.size() + " tensors]";
    }
}
