package ai.spikelm.zoo.convert;

import ai.spikelm.zoo.weights.HostTensor;
import ai.spikelm.zoo.weights.TensorDType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A TensorFlow checkpoint in tensor-bundle format: {@code PREFIX.index}, an {@link SsTable}
 * mapping each variable name to a serialized {@code BundleEntryProto}, and {@code
 * PREFIX.data-SSSSS-of-NNNNN} shards holding the raw little-endian tensor bytes. The entry with
 * the empty key is the {@code BundleHeaderProto}. Field numbers are those of {@code
 * tensorflow/core/protobuf/tensor_bundle.proto}.
 */
final class TensorBundle {

    /** Index files of real checkpoints are kilobytes to a few megabytes; refuse absurd sizes. */
    static final long MAX_INDEX_BYTES = 256L << 20;
    private static final int MAX_SHARDS = 100_000;
    private static final int MAX_RANK = 64;

    // BundleHeaderProto
    private static final int HEADER_NUM_SHARDS = 1;
    private static final int HEADER_ENDIANNESS = 2;
    // BundleEntryProto
    private static final int ENTRY_DTYPE = 1;
    private static final int ENTRY_SHAPE = 2;
    private static final int ENTRY_SHARD_ID = 3;
    private static final int ENTRY_OFFSET = 4;
    private static final int ENTRY_SIZE = 5;
    private static final int ENTRY_CRC32C = 6;
    private static final int ENTRY_SLICES = 7;
    // TensorShapeProto and its Dim
    private static final int SHAPE_DIM = 2;
    private static final int SHAPE_UNKNOWN_RANK = 3;
    private static final int DIM_SIZE = 1;

    private final Path prefix;
    private final int numShards;
    private final List<Entry> entries;

    private TensorBundle(Path prefix, int numShards, List<Entry> entries) {
        this.prefix = prefix;
        this.numShards = numShards;
        this.entries = entries;
    }

    /**
     * Opens a bundle by its prefix and reads its index.
     *
     * @param prefix the path without {@code .index}, e.g. {@code variables/variables}
     * @return the bundle
     * @throws CheckpointFormatException if the index is malformed
     * @throws IOException if the index cannot be read
     */
    static TensorBundle open(Path prefix) throws IOException {
        Path indexFile = sibling(prefix, ".index");
        long size = Files.size(indexFile);
        if (size > MAX_INDEX_BYTES) {
            throw new CheckpointFormatException(indexFile + " is " + size + " bytes; a checkpoint index of over "
                    + MAX_INDEX_BYTES + " bytes is not plausible");
        }
        List<SsTable.Entry> table = SsTable.read(ByteBuffer.wrap(Files.readAllBytes(indexFile)), indexFile.toString());
        if (table.isEmpty() || table.get(0).key().length != 0) {
            throw new CheckpointFormatException(indexFile + " has no bundle header (the entry with the empty key)");
        }
        int numShards = parseHeader(table.get(0).value(), indexFile);
        List<Entry> entries = new ArrayList<>();
        for (SsTable.Entry e : table.subList(1, table.size())) {
            String name = new String(e.key(), StandardCharsets.UTF_8);
            entries.add(parseEntry(name, e.value()));
        }
        return new TensorBundle(prefix, numShards, Collections.unmodifiableList(entries));
    }

    /**
     * Returns the variables, in key order.
     *
     * @return the entries (the header excluded)
     */
    List<Entry> entries() {
        return entries;
    }

    /**
     * Reads one tensor from its data shard. The shard is memory-mapped; the result is a view.
     *
     * @param entry an entry of this bundle
     * @return the tensor
     * @throws CheckpointFormatException if the dtype is unsupported, the tensor is partitioned,
     *     its bytes lie outside the shard, or its CRC32C does not match
     * @throws IOException if the shard cannot be read
     */
    HostTensor read(Entry entry) throws IOException {
        if (entry.sliced()) {
            throw new CheckpointFormatException("Variable " + entry.name()
                    + " is saved in slices (a partitioned variable), which is not supported");
        }
        TensorDType dtype = dtypeOf(entry);
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(numel(entry), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new CheckpointFormatException("Variable " + entry.name() + " has an impossible shape "
                    + Arrays.toString(entry.shape()), e);
        }
        if (entry.size() != expectedBytes) {
            throw new CheckpointFormatException("Variable " + entry.name() + " of " + dtype + Arrays.toString(entry.shape())
                    + " needs " + expectedBytes + " bytes but its entry says " + entry.size());
        }
        if (entry.shardId() < 0 || entry.shardId() >= numShards) {
            throw new CheckpointFormatException("Variable " + entry.name() + " is in shard " + entry.shardId()
                    + " of a " + numShards + "-shard checkpoint");
        }
        Path shard = sibling(prefix, String.format(".data-%05d-of-%05d", entry.shardId(), numShards));
        ByteBuffer bytes;
        try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.READ)) {
            long length = ch.size();
            if (entry.offset() < 0 || entry.offset() > length || entry.size() > length - entry.offset()) {
                throw new CheckpointFormatException("Variable " + entry.name() + " at offset " + entry.offset()
                        + " with " + entry.size() + " bytes lies outside " + shard + " (" + length + " bytes)");
            }
            if (entry.size() > Integer.MAX_VALUE) {
                throw new CheckpointFormatException("Variable " + entry.name() + " is over 2 GiB");
            }
            bytes = ch.map(FileChannel.MapMode.READ_ONLY, entry.offset(), entry.size());
        } catch (NoSuchFileException e) {
            throw new CheckpointFormatException("Data shard " + shard + " of checkpoint " + prefix + " is missing", e);
        }
        if (entry.crc32c() != null) {
            CRC32C crc = new CRC32C();
            crc.update(bytes.duplicate());
            if (SsTable.mask((int) crc.getValue()) != entry.crc32c()) {
                throw new CheckpointFormatException("Variable " + entry.name() + " in " + shard
                        + " fails its CRC32C check: the data file is corrupt");
            }
        }
        return new HostTensor(dtype, entry.shape(), bytes.order(ByteOrder.LITTLE_ENDIAN));
    }

    private static TensorDType dtypeOf(Entry entry) throws CheckpointFormatException {
        // Codes of tensorflow/core/framework/types.proto.
        return switch (entry.dtype()) {
            case 1 -> TensorDType.F32;
            case 2 -> TensorDType.F64;
            case 3 -> TensorDType.I32;
            case 4 -> TensorDType.U8;
            case 5 -> TensorDType.I16;
            case 6 -> TensorDType.I8;
            case 9 -> TensorDType.I64;
            case 10 -> TensorDType.BOOL;
            case 14 -> TensorDType.BF16;
            case 19 -> TensorDType.F16;
            default -> throw new CheckpointFormatException("Variable " + entry.name()
                    + " has TensorFlow dtype " + entry.dtype() + ", which has no checkpoint tensor type");
        };
    }

    private static long numel(Entry entry) {
        long n = 1;
        for (long d : entry.shape()) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static int parseHeader(ByteBuffer value, Path indexFile) throws CheckpointFormatException {
        ProtoReader r = new ProtoReader(value, "BundleHeaderProto in " + indexFile);
        long numShards = 1;
        while (r.next()) {
            if (r.field() == HEADER_NUM_SHARDS) {
                numShards = r.readVarint();
            } else if (r.field() == HEADER_ENDIANNESS) {
                if (r.readVarint() != 0) {
                    throw new CheckpointFormatException(indexFile + " was written big-endian, which is not supported");
                }
            } else {
                r.skip();
            }
        }
        if (numShards < 1 || numShards > MAX_SHARDS) {
            throw new CheckpointFormatException(indexFile + " declares " + numShards + " data shards");
        }
        return (int) numShards;
    }

    private static Entry parseEntry(String name, ByteBuffer value) throws CheckpointFormatException {
        ProtoReader r = new ProtoReader(value, "BundleEntryProto of " + name);
        int dtype = 0;
        long[] shape = new long[0];
        long shardId = 0;
        long offset = 0;
        long size = 0;
        Integer crc = null;
        boolean sliced = false;
        while (r.next()) {
            switch (r.field()) {
                case ENTRY_DTYPE -> dtype = (int) r.readVarint();
                case ENTRY_SHAPE -> shape = parseShape(name, r.readBytes());
                case ENTRY_SHARD_ID -> shardId = r.readVarint();
                case ENTRY_OFFSET -> offset = r.readVarint();
                case ENTRY_SIZE -> size = r.readVarint();
                case ENTRY_CRC32C -> crc = r.readFixed32();
                case ENTRY_SLICES -> {
                    r.skip();
                    sliced = true;
                }
                default -> r.skip();
            }
        }
        if (shardId < Integer.MIN_VALUE || shardId > Integer.MAX_VALUE) {
            throw new CheckpointFormatException("Variable " + name + " has shard id " + shardId);
        }
        return new Entry(name, dtype, shape, (int) shardId, offset, size, crc, sliced);
    }

    private static long[] parseShape(String name, ByteBuffer bytes) throws CheckpointFormatException {
        ProtoReader r = new ProtoReader(bytes, "TensorShapeProto of " + name);
        ProtoReader.LongList dims = new ProtoReader.LongList();
        while (r.next()) {
            if (r.field() == SHAPE_DIM) {
                if (dims.size() == MAX_RANK) {
                    throw new CheckpointFormatException("Variable " + name + " has more than " + MAX_RANK + " dimensions");
                }
                ProtoReader dim = new ProtoReader(r.readBytes(), "TensorShapeProto.Dim of " + name);
                long dimSize = 0;
                while (dim.next()) {
                    if (dim.field() == DIM_SIZE) {
                        dimSize = dim.readVarint();
                    } else {
                        dim.skip();
                    }
                }
                if (dimSize < 0) {
                    throw new CheckpointFormatException("Variable " + name + " has a dimension of unknown size");
                }
                dims.add(dimSize);
            } else if (r.field() == SHAPE_UNKNOWN_RANK) {
                if (r.readVarint() != 0) {
                    throw new CheckpointFormatException("Variable " + name + " has unknown rank");
                }
            } else {
                r.skip();
            }
        }
        return dims.toArray();
    }

    private static Path sibling(Path prefix, String suffix) {
        return prefix.resolveSibling(prefix.getFileName() + suffix);
    }

    /**
     * One variable of the bundle.
     *
     * @param name the TensorFlow variable name
     * @param dtype the TensorFlow {@code DataType} code
     * @param shape the shape
     * @param shardId the data shard holding it
     * @param offset its first byte in the shard
     * @param size its byte count
     * @param crc32c the masked CRC32C of its bytes, or null if not recorded
     * @param sliced whether it is saved as slices of a partitioned variable
     */
    record Entry(String name, int dtype, long[] shape, int shardId, long offset, long size, Integer crc32c,
            boolean sliced) {}
}
