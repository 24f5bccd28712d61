package ai.spikelm.zoo.convert;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads a LevelDB-style sorted string table, the format of a TensorFlow checkpoint's {@code
 * .index} file.
 *
 * <p>Layout: data blocks, a metaindex block, an index block, then a 48-byte footer (two block
 * handles padded to 40 bytes, then the magic number). Each block is followed by a 5-byte
 * trailer: a compression type byte and a masked CRC32C of the block and that byte. A block holds
 * entries {@code (shared, non_shared, value_length) varints, key suffix, value} where a key
 * shares {@code shared} leading bytes with the previous one, then an array of restart offsets
 * and their count.
 */
final class SsTable {

    static final long MAGIC = 0xdb4775248b80fb57L;
    static final int FOOTER_LENGTH = 48;
    static final int BLOCK_TRAILER_LENGTH = 5;
    private static final int MASK_DELTA = 0xa282ead8;

    private final ByteBuffer file;
    private final String source;

    private SsTable(ByteBuffer file, String source) {
        this.file = file.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
    }

    /**
     * Reads every entry of a table held in memory.
     *
     * @param table the whole table file
     * @param source the file name, for error messages
     * @return the entries in key order
     * @throws CheckpointFormatException if the table is truncated, corrupt or compressed
     */
    static List<Entry> read(ByteBuffer table, String source) throws CheckpointFormatException {
        return new SsTable(table, source).readAll();
    }

    /**
     * Masks a CRC32C the way LevelDB and TensorFlow store it, so that a CRC of data containing
     * CRCs is not degenerate.
     *
     * @param crc the plain CRC32C
     * @return the stored form
     */
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    private List<Entry> readAll() throws CheckpointFormatException {
        int length = file.limit();
        if (length < FOOTER_LENGTH) {
            throw corrupt("file of " + length + " bytes is shorter than the " + FOOTER_LENGTH + "-byte footer");
        }
        long magic = file.getLong(length - 8);
        if (magic != MAGIC) {
            throw corrupt(String.format("bad magic number 0x%016x (expected 0x%016x)", magic, MAGIC));
        }
        CodedInputStream footer = CodedInputStream.newInstance(file.slice(length - FOOTER_LENGTH, FOOTER_LENGTH - 8));
        long[] metaindex = readHandle(footer, "metaindex");
        long[] index = readHandle(footer, "index");
        checkHandle(metaindex, "metaindex");

        List<Entry> entries = new ArrayList<>();
        for (Entry handleEntry : entries(block(index, "index"), "index block")) {
            long[] handle = readHandle(CodedInputStream.newInstance(handleEntry.value()), "data");
            for (Entry e : entries(block(handle, "data"), "data block at offset " + handle[0])) {
                if (!entries.isEmpty() && Arrays.compareUnsigned(entries.get(entries.size() - 1).key(), e.key()) >= 0) {
                    throw corrupt("keys are not in increasing order across data blocks");
                }
                entries.add(e);
            }
        }
        return entries;
    }

    /** Reads a block handle (offset, size varints). */
    private long[] readHandle(CodedInputStream in, String what) throws CheckpointFormatException {
        try {
            return new long[] {in.readRawVarint64(), in.readRawVarint64()};
        } catch (IOException e) {
            throw corrupt("malformed " + what + " block handle: " + e.getMessage());
        }
    }

    private void checkHandle(long[] handle, String what) throws CheckpointFormatException {
        long end = file.limit() - FOOTER_LENGTH;
        long offset = handle[0];
        long size = handle[1];
        if (offset < 0 || size < 0 || offset > end || size > end - offset - BLOCK_TRAILER_LENGTH) {
            throw corrupt(what + " block (offset " + Long.toUnsignedString(offset) + ", size "
                    + Long.toUnsignedString(size) + ") lies outside the " + file.limit() + "-byte file");
        }
    }

    /** Returns a block's contents after checking its trailer. */
    private ByteBuffer block(long[] handle, String what) throws CheckpointFormatException {
        checkHandle(handle, what);
        int offset = (int) handle[0];
        int size = (int) handle[1];
        int type = file.get(offset + size) & 0xff;
        int stored = file.getInt(offset + size + 1);
        CRC32C crc = new CRC32C();
        crc.update(file.slice(offset, size + 1));
        if (mask((int) crc.getValue()) != stored) {
            throw corrupt(what + " block at offset " + offset + " fails its CRC32C check");
        }
        if (type == 1) {
            throw corrupt(what + " block at offset " + offset
                    + " is Snappy-compressed; only uncompressed tables (TensorFlow's default) are supported");
        }
        if (type != 0) {
            throw corrupt(what + " block at offset " + offset + " has unknown compression type " + type);
        }
        return file.slice(offset, size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Decodes the entries of one block, undoing the shared-prefix compression of keys. */
    private List<Entry> entries(ByteBuffer block, String what) throws CheckpointFormatException {
        int size = block.limit();
        if (size < 4) {
            throw corrupt(what + " is " + size + " bytes, too short for its restart count");
        }
        long numRestarts = Integer.toUnsignedLong(block.getInt(size - 4));
        long restartsOffset = size - 4 - 4 * numRestarts;
        if (restartsOffset < 0) {
            throw corrupt(what + " claims " + numRestarts + " restart points in " + size + " bytes");
        }
        int end = (int) restartsOffset;
        CodedInputStream in = CodedInputStream.newInstance(block.slice(0, end));
        List<Entry> out = new ArrayList<>();
        byte[] key = new byte[0];
        try {
            while (!in.isAtEnd()) {
                int shared = in.readRawVarint32();
                int nonShared = in.readRawVarint32();
                int valueLength = in.readRawVarint32();
                int position = in.getTotalBytesRead();
                if (shared < 0 || shared > key.length) {
                    throw corrupt(what + ": entry shares " + Integer.toUnsignedString(shared)
                            + " bytes with a previous key of " + key.length);
                }
                if (nonShared < 0 || valueLength < 0 || (long) nonShared + valueLength > end - position) {
                    throw corrupt(what + ": entry of " + Integer.toUnsignedString(nonShared) + "+"
                            + Integer.toUnsignedString(valueLength) + " bytes runs past the block end");
                }
                byte[] next = Arrays.copyOf(key, shared + nonShared);
                block.get(position, next, shared, nonShared);
                in.skipRawBytes(nonShared + valueLength);
                if (!out.isEmpty() && Arrays.compareUnsigned(key, next) >= 0) {
                    throw corrupt(what + ": keys are not in increasing order");
                }
                key = next;
                out.add(new Entry(key, block.slice(position + nonShared, valueLength)));
            }
        } catch (IOException e) {
            if (e instanceof CheckpointFormatException c) {
                throw c;
            }
            throw corrupt(what + ": " + e.getMessage());
        }
        return out;
    }

    /**
     * One key-value pair of the table.
     *
     * @param key the key bytes
     * @param value the value, a slice of the table buffer
     */
    record Entry(byte[] key, ByteBuffer value) {}

    private CheckpointFormatException corrupt(String detail) {
        return new CheckpointFormatException("Corrupt TensorFlow checkpoint index " + source + ": " + detail);
    }
}
