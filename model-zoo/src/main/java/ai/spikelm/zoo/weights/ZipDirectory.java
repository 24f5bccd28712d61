package ai.spikelm.zoo.weights;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The central directory of a zip archive, read only to learn where each entry's bytes lie, so that
 * stored (uncompressed) entries can be memory-mapped in place.
 *
 * <p>{@link java.util.zip.ZipFile} reads the same directory but does not reveal entry offsets. This
 * reader is deliberately small: single-disk archives, zip64 sizes and offsets, no encryption. Every
 * length and offset is checked against the file size before use, so a damaged archive yields a
 * {@link MalformedCheckpointException}, never an oversized allocation.
 */
final class ZipDirectory {

    /** The compression method of an entry stored as is. */
    static final int STORED = 0;

    /** The largest central directory read; one entry per tensor stays far below this. */
    static final long MAX_DIRECTORY_BYTES = 256L << 20;

    private static final int EOCD_SIGNATURE = 0x06054b50;
    private static final int EOCD_SIZE = 22;
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int ZIP64_LOCATOR_SIZE = 20;
    private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;
    private static final int ZIP64_EOCD_SIZE = 56;
    private static final int CEN_SIGNATURE = 0x02014b50;
    private static final int CEN_SIZE = 46;
    private static final int LOC_SIGNATURE = 0x04034b50;
    private static final int LOC_SIZE = 30;
    private static final int ZIP64_EXTRA_ID = 0x0001;
    private static final long MAX_COMMENT = 0xFFFF;

    /**
     * One entry of the central directory.
     *
     * @param name the entry name
     * @param flags the general purpose flags (bit 0: encrypted)
     * @param method the compression method ({@link #STORED} or other)
     * @param compressedSize the bytes the entry occupies in the file
     * @param size the bytes it holds once uncompressed
     * @param localHeaderOffset where its local header starts
     */
    record Entry(
            String name,
            int flags,
            int method,
            long compressedSize,
            long size,
            long localHeaderOffset) {}

    private final Path file;
    private final FileChannel channel;
    private final long fileSize;

    private ZipDirectory(Path file, FileChannel channel, long fileSize) {
        this.file = file;
        this.channel = channel;
        this.fileSize = fileSize;
    }

    /**
     * Reads the central directory.
     *
     * @param file the archive, for error messages
     * @param channel the open archive
     * @return the entries by name, in directory order
     * @throws MalformedCheckpointException if the directory is damaged or names an entry twice
     * @throws IOException if the file cannot be read
     */
    static Map<String, Entry> read(Path file, FileChannel channel) throws IOException {
        return new ZipDirectory(file, channel, channel.size()).entries();
    }

    /**
     * Returns the file offset of a stored entry's bytes, after its local header.
     *
     * @param file the archive, for error messages
     * @param channel the open archive
     * @param entry an entry of that archive
     * @return the offset of its first byte; its {@code compressedSize} bytes lie within the file
     * @throws MalformedCheckpointException if the local header is damaged or does not match
     * @throws IOException if the file cannot be read
     */
    static long dataStart(Path file, FileChannel channel, Entry entry) throws IOException {
        return new ZipDirectory(file, channel, channel.size()).dataStart(entry);
    }

    private Map<String, Entry> entries() throws IOException {
        if (fileSize < EOCD_SIZE) {
            throw malformed("file of " + fileSize + " bytes is too short for a zip archive");
        }
        int tailLength = (int) Math.min(fileSize, EOCD_SIZE + MAX_COMMENT);
        long tailStart = fileSize - tailLength;
        ByteBuffer tail = read(tailStart, tailLength);
        int eocd = findEndRecord(tail);
        long entryCount = tail.getShort(eocd + 10) & 0xFFFF;
        long directorySize = tail.getInt(eocd + 12) & 0xFFFFFFFFL;
        long directoryOffset = tail.getInt(eocd + 16) & 0xFFFFFFFFL;
        long directoryLimit = tailStart + eocd;
        if ((tail.getShort(eocd + 4) | tail.getShort(eocd + 6)) != 0) {
            throw malformed("multi-disk zip archives are not supported");
        }
        boolean saturated =
                entryCount == 0xFFFF
                        || directorySize == 0xFFFFFFFFL
                        || directoryOffset == 0xFFFFFFFFL;
        long zip64 = saturated ? zip64EndRecord(directoryLimit) : -1;
        if (zip64 >= 0) {
            ByteBuffer end = read(zip64, ZIP64_EOCD_SIZE);
            if (end.getInt(0) != ZIP64_EOCD_SIGNATURE) {
                throw malformed("zip64 end of central directory record has a bad signature");
            }
            entryCount = end.getLong(32);
            directorySize = end.getLong(40);
            directoryOffset = end.getLong(48);
            directoryLimit = zip64;
        }
        if (directorySize < 0
                || directoryOffset < 0
                || directorySize > directoryLimit
                || directoryOffset > directoryLimit - directorySize) {
            throw malformed("central directory lies outside the file");
        }
        if (directorySize > MAX_DIRECTORY_BYTES) {
            throw malformed(
                    "central directory of "
                            + directorySize
                            + " bytes exceeds the limit of "
                            + MAX_DIRECTORY_BYTES);
        }
        if (entryCount < 0 || entryCount > directorySize / CEN_SIZE) {
            throw malformed(
                    entryCount + " entries cannot fit a " + directorySize + "-byte directory");
        }
        return parseDirectory(read(directoryOffset, (int) directorySize), (int) entryCount);
    }

    /** Finds the end record: its signature, with a comment that ends exactly at end of file. */
    private int findEndRecord(ByteBuffer tail) throws MalformedCheckpointException {
        for (int i = tail.limit() - EOCD_SIZE; i >= 0; i--) {
            if (tail.getInt(i) == EOCD_SIGNATURE
                    && (tail.getShort(i + 20) & 0xFFFF) == tail.limit() - i - EOCD_SIZE) {
                return i;
            }
        }
        throw malformed("no zip end of central directory record");
    }

    /**
     * Returns the offset of the zip64 end record, or -1 if there is no zip64 locator (then the
     * saturated 32-bit values are real, as with exactly 65535 entries).
     */
    private long zip64EndRecord(long eocdOffset) throws IOException {
        long locator = eocdOffset - ZIP64_LOCATOR_SIZE;
        if (locator < 0) {
            return -1;
        }
        ByteBuffer b = read(locator, ZIP64_LOCATOR_SIZE);
        if (b.getInt(0) != ZIP64_LOCATOR_SIGNATURE) {
            return -1;
        }
        long offset = b.getLong(8);
        if (offset < 0 || offset > locator - ZIP64_EOCD_SIZE) {
            throw malformed("zip64 end of central directory record lies outside the file");
        }
        return offset;
    }

    private Map<String, Entry> parseDirectory(ByteBuffer cen, int count)
            throws MalformedCheckpointException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        int p = 0;
        for (int i = 0; i < count; i++) {
            if (cen.limit() - p < CEN_SIZE || cen.getInt(p) != CEN_SIGNATURE) {
                throw malformed("central directory entry " + i + " is damaged");
            }
            int nameLength = cen.getShort(p + 28) & 0xFFFF;
            int extraLength = cen.getShort(p + 30) & 0xFFFF;
            int commentLength = cen.getShort(p + 32) & 0xFFFF;
            int next = p + CEN_SIZE + nameLength + extraLength + commentLength;
            if (next > cen.limit() || next < 0) {
                throw malformed("central directory entry " + i + " runs past the directory");
            }
            byte[] nameBytes = new byte[nameLength];
            cen.get(p + CEN_SIZE, nameBytes);
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            long[] sizes = {
                cen.getInt(p + 24) & 0xFFFFFFFFL, // size
                cen.getInt(p + 20) & 0xFFFFFFFFL, // compressed size
                cen.getInt(p + 42) & 0xFFFFFFFFL // local header offset
            };
            applyZip64(cen, p + CEN_SIZE + nameLength, extraLength, sizes, name);
            Entry e =
                    new Entry(
                            name,
                            cen.getShort(p + 8) & 0xFFFF,
                            cen.getShort(p + 10) & 0xFFFF,
                            sizes[1],
                            sizes[0],
                            sizes[2]);
            if (entries.putIfAbsent(name, e) != null) {
                // Readers disagree on which duplicate wins; refuse rather than guess.
                throw malformed("two zip entries are named '" + name + "'");
            }
            p = next;
        }
        return Collections.unmodifiableMap(entries);
    }

    /**
     * Replaces the 32-bit fields that say 0xFFFFFFFF by the zip64 extra field's values, which come
     * in the order size, compressed size, local header offset, for those fields only.
     */
    private void applyZip64(
            ByteBuffer cen, int extraStart, int extraLength, long[] sizes, String name)
            throws MalformedCheckpointException {
        int p = extraStart;
        int end = extraStart + extraLength;
        while (end - p >= 4) {
            int id = cen.getShort(p) & 0xFFFF;
            int length = cen.getShort(p + 2) & 0xFFFF;
            if (length > end - p - 4) {
                throw malformed("extra field of zip entry '" + name + "' is damaged");
            }
            if (id == ZIP64_EXTRA_ID) {
                int q = p + 4;
                for (int f = 0; f < sizes.length; f++) {
                    if (sizes[f] != 0xFFFFFFFFL) {
                        continue;
                    }
                    if (q + 8 > p + 4 + length) {
                        throw malformed("zip64 field of zip entry '" + name + "' is too short");
                    }
                    sizes[f] = cen.getLong(q);
                    q += 8;
                }
                return;
            }
            p += 4 + length;
        }
    }

    private long dataStart(Entry e) throws IOException {
        long local = e.localHeaderOffset();
        if (local < 0 || local > fileSize - LOC_SIZE) {
            throw malformed("local header of zip entry '" + e.name() + "' lies outside the file");
        }
        ByteBuffer header = read(local, LOC_SIZE);
        if (header.getInt(0) != LOC_SIGNATURE) {
            throw malformed("local header of zip entry '" + e.name() + "' has a bad signature");
        }
        int nameLength = header.getShort(26) & 0xFFFF;
        int extraLength = header.getShort(28) & 0xFFFF;
        long start = local + LOC_SIZE + nameLength + extraLength;
        if (start > fileSize || e.compressedSize() < 0 || e.compressedSize() > fileSize - start) {
            throw malformed("bytes of zip entry '" + e.name() + "' run past the end of the file");
        }
        byte[] localName = new byte[nameLength];
        read(local + LOC_SIZE, nameLength).get(localName);
        if (!new String(localName, StandardCharsets.UTF_8).equals(e.name())) {
            throw malformed("local header of zip entry '" + e.name() + "' names another entry");
        }
        return start;
    }

    private ByteBuffer read(long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        long at = position;
        while (b.hasRemaining()) {
            int n = channel.read(b, at);
            if (n < 0) {
                throw new EOFException("Unexpected end of " + file + " at byte " + at);
            }
            at += n;
        }
        return b.flip();
    }

    private MalformedCheckpointException malformed(String problem) {
        return new MalformedCheckpointException(file, problem);
    }
}
