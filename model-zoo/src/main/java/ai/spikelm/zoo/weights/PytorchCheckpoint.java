package ai.spikelm.zoo.weights;

import ai.spikelm.zoo.weights.PickleValues.PyDict;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A PyTorch checkpoint such as {@code pytorch_model.bin}: the zip archive {@code torch.save} writes
 * since PyTorch 1.6, read safely.
 *
 * <p>The archive holds {@code <archive>/data.pkl}, a pickle of the state dict in which each tensor
 * refers to a storage record {@code <archive>/data/<key>} of raw little-endian elements, and a few
 * bookkeeping records ({@code version}, {@code byteorder}, ...). The pickle is run by a restricted
 * virtual machine that, like {@code torch.load(weights_only=True)}, knows only the opcodes and the
 * handful of globals a state dict needs ({@code collections.OrderedDict}, {@code
 * torch._utils._rebuild_tensor_v2} and relatives, and the {@code torch.*Storage} dtype markers);
 * any other global, such as {@code os.system}, is refused with an {@link
 * UnsafeCheckpointException}. Nothing from the file is ever loaded, instantiated or run.
 *
 * <p>{@link #open(Path)} validates everything before returning: the zip directory, the pickle
 * (bounded in size, stack, memo and nesting), that the top-level object is a dict of tensors, that
 * every storage record exists, is stored uncompressed and holds exactly the elements its persistent
 * id declares, and that every tensor's offset, sizes and strides stay inside its storage.
 * Contiguous tensors are then zero-copy slices of read-only mappings of the storage records;
 * strided tensors (such as a saved transpose) and big-endian archives are copied into row-major
 * little-endian order on each {@link #get(String)}, never into more bytes than the storage record
 * holds. As with {@link SafetensorsFile}, the file descriptor is closed when {@code open} returns
 * and mappings are released by the garbage collector.
 *
 * <p>Only flat state dicts are read: a top-level dict whose keys are strings and whose values are
 * tensors. The CRC-32 of storage records is not checked (that would read the whole file at open).
 *
 * <p>Instances are safe for use by several threads.
 */
public final class PytorchCheckpoint implements CheckpointReader {

    /** The largest {@code data.pkl} read; a state dict's pickle is a few bytes per tensor. */
    public static final long MAX_PICKLE_BYTES = 100_000_000L;

    private static final String PICKLE = "data.pkl";
    private static final int MAX_BYTEORDER_BYTES = 16;
    private static final long MAX_BUFFER_BYTES = Integer.MAX_VALUE;

    /** Storage keys are small decimal numbers in practice; anything path-like is refused. */
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    /** A tensor and the storage record it lies in. */
    private record Slot(TensorInfo info, TensorRef ref, String record) {}

    private final Path path;
    private final Map<String, Slot> tensors;
    private final boolean bigEndian;

    /** Record name to mapping; a null value marks a record too large to map (2 GiB or more). */
    private volatile Map<String, ByteBuffer> storages;

    private PytorchCheckpoint(
            Path path,
            Map<String, Slot> tensors,
            boolean bigEndian,
            Map<String, ByteBuffer> storages) {
        this.path = path;
        this.tensors = tensors;
        this.bigEndian = bigEndian;
        this.storages = storages;
    }

    /**
     * Opens, validates and maps a {@code torch.save} zip archive holding a state dict.
     *
     * @param file the archive, such as {@code pytorch_model.bin}
     * @return the open checkpoint; the caller closes it
     * @throws UnsafeCheckpointException if the pickle asks for a global or operation outside the
     *     allow-list
     * @throws MalformedCheckpointException if the archive or the pickle is malformed, or the pickle
     *     holds something other than a flat dict of tensors
     * @throws IOException if the file cannot be read
     */
    public static PytorchCheckpoint open(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            refuseLegacyFormat(file, channel);
            Map<String, ZipDirectory.Entry> entries = ZipDirectory.read(file, channel);
            String prefix = archivePrefix(file, entries.keySet());
            try (ZipFile zip = openZip(file)) {
                byte[] pickle = readRecord(file, zip, prefix + "/" + PICKLE, MAX_PICKLE_BYTES);
                boolean bigEndian = isBigEndian(file, zip, prefix + "/byteorder");
                Object root = TorchUnpickler.load(file, prefix + "/" + PICKLE, pickle);
                Map<String, TensorRef> refs = stateDict(file, root);
                Map<String, ByteBuffer> storages = new HashMap<>();
                Map<String, Slot> slots = new LinkedHashMap<>();
                for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
                    TensorRef ref = e.getValue();
                    String record = storageRecord(file, prefix, ref);
                    if (!storages.containsKey(record)) {
                        ZipDirectory.Entry entry = entries.get(record);
                        checkStorage(file, zip, entry, record, ref);
                        storages.put(record, map(file, channel, entry));
                    }
                    slots.put(e.getKey(), new Slot(info(e.getKey(), ref), ref, record));
                }
                return new PytorchCheckpoint(
                        file, Collections.unmodifiableMap(slots), bigEndian, storages);
            } catch (ZipException | EOFException e) {
                throw new MalformedCheckpointException(
                        file, "zip archive is unreadable: " + e.getMessage(), e);
            }
        }
    }

    // ---------------------------------------------------------------- the archive

    /** Files from before PyTorch 1.6 are a bare pickle; say so rather than "not a zip". */
    private static void refuseLegacyFormat(Path file, FileChannel channel) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(1);
        // A zip starts with "PK"; a pickle with PROTO (0x80).
        if (channel.read(head, 0) == 1 && (head.get(0) & 0xFF) == 0x80) {
            throw new MalformedCheckpointException(
                    file,
                    "is a legacy torch.save file (PyTorch before 1.6), not a zip archive;"
                            + " re-save it with a current PyTorch or convert it to safetensors");
        }
    }

    /** Finds the single {@code <archive>/data.pkl}; torch names the archive after the file. */
    private static String archivePrefix(Path file, Set<String> names)
            throws MalformedCheckpointException {
        String prefix = null;
        for (String name : names) {
            int slash = name.indexOf('/');
            if (slash > 0 && name.equals(name.substring(0, slash) + "/" + PICKLE)) {
                if (prefix != null) {
                    throw new MalformedCheckpointException(
                            file, "archive holds more than one " + PICKLE);
                }
                prefix = name.substring(0, slash);
            }
        }
        if (prefix == null) {
            throw new MalformedCheckpointException(
                    file, "zip archive has no <archive>/" + PICKLE + ": not written by torch.save");
        }
        return prefix;
    }

    private static ZipFile openZip(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new MalformedCheckpointException(
                    file, "not a readable zip archive: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // ZipFile reports some malformed directories (such as bad names) this way.
            throw new MalformedCheckpointException(
                    file, "not a readable zip archive: " + e.getMessage(), e);
        }
    }

    /** Reads a small record whole, through ZipFile so that compressed records work too. */
    private static byte[] readRecord(Path file, ZipFile zip, String name, long limit)
            throws IOException {
        ZipEntry entry = entry(file, zip, name);
        if (entry == null) {
            throw new MalformedCheckpointException(file, "record " + name + " is missing");
        }
        if (entry.getSize() > limit) {
            throw new MalformedCheckpointException(
                    file,
                    "record "
                            + name
                            + " of "
                            + entry.getSize()
                            + " bytes exceeds the limit of "
                            + limit);
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readNBytes((int) limit + 1);
        } catch (RuntimeException e) {
            throw new MalformedCheckpointException(
                    file, "record " + name + " is unreadable: " + e.getMessage(), e);
        }
        if (bytes.length > limit || (entry.getSize() >= 0 && bytes.length != entry.getSize())) {
            throw new MalformedCheckpointException(
                    file,
                    "record "
                            + name
                            + " holds "
                            + bytes.length
                            + " bytes but its header says "
                            + entry.getSize());
        }
        return bytes;
    }

    private static ZipEntry entry(Path file, ZipFile zip, String name)
            throws MalformedCheckpointException {
        try {
            return zip.getEntry(name);
        } catch (RuntimeException e) {
            throw new MalformedCheckpointException(
                    file, "zip directory is unreadable: " + e.getMessage(), e);
        }
    }

    /** The {@code byteorder} record, absent in archives from before PyTorch 1.10 (little). */
    private static boolean isBigEndian(Path file, ZipFile zip, String name) throws IOException {
        if (entry(file, zip, name) == null) {
            return false;
        }
        String order =
                new String(
                                readRecord(file, zip, name, MAX_BYTEORDER_BYTES),
                                StandardCharsets.US_ASCII)
                        .trim();
        if (order.equals("little")) {
            return false;
        }
        if (order.equals("big")) {
            return true;
        }
        throw new MalformedCheckpointException(
                file, "record " + name + " is neither little nor big");
    }

    // ---------------------------------------------------------------- state dict and storages

    private static Map<String, TensorRef> stateDict(Path file, Object root)
            throws MalformedCheckpointException {
        if (!(root instanceof PyDict)) {
            throw new MalformedCheckpointException(
                    file,
                    PICKLE
                            + " holds a "
                            + PickleValues.typeName(root)
                            + ", not a state dict (a dict of tensors)");
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : ((PyDict) root).items.entrySet()) {
            if (!(e.getKey() instanceof String)) {
                throw new MalformedCheckpointException(
                        file,
                        "state dict key is a " + PickleValues.typeName(e.getKey()) + ", not a str");
            }
            if (!(e.getValue() instanceof TensorRef)) {
                throw new MalformedCheckpointException(
                        file,
                        "state dict entry '"
                                + e.getKey()
                                + "' is a "
                                + PickleValues.typeName(e.getValue())
                                + ", not a tensor; only flat state dicts are supported");
            }
            out.put((String) e.getKey(), (TensorRef) e.getValue());
        }
        return out;
    }

    private static String storageRecord(Path file, String prefix, TensorRef ref)
            throws MalformedCheckpointException {
        String key = ref.storage().key();
        if (!STORAGE_KEY.matcher(key).matches() || key.equals("..")) {
            throw new MalformedCheckpointException(
                    file, "storage key '" + printable(key) + "' is not a plain record name");
        }
        return prefix + "/data/" + key;
    }

    /** Checks that a storage record exists, is stored as is, and holds exactly its elements. */
    private static void checkStorage(
            Path file, ZipFile zip, ZipDirectory.Entry entry, String record, TensorRef ref)
            throws MalformedCheckpointException {
        ZipEntry standard = entry(file, zip, record);
        if (entry == null || standard == null) {
            throw new MalformedCheckpointException(
                    file, "storage record " + record + " is missing");
        }
        if (entry.method() != ZipDirectory.STORED || (entry.flags() & 1) != 0) {
            throw new MalformedCheckpointException(
                    file,
                    "storage record "
                            + record
                            + " is compressed or encrypted; torch stores them as is");
        }
        TensorDType dtype = ref.storage().dtype();
        long bytes;
        try {
            bytes = Math.multiplyExact(ref.storage().numel(), dtype.byteSize());
        } catch (ArithmeticException e) {
            bytes = -1;
        }
        if (entry.size() != bytes || entry.compressedSize() != bytes) {
            throw new MalformedCheckpointException(
                    file,
                    "storage record "
                            + record
                            + " holds "
                            + entry.size()
                            + " bytes but its persistent id declares "
                            + ref.storage().numel()
                            + " elements of "
                            + dtype);
        }
        // A second reader's view of the same entry: a parser differential would show here.
        if (standard.getSize() != bytes || standard.getMethod() != ZipEntry.STORED) {
            throw new MalformedCheckpointException(
                    file, "storage record " + record + " is described inconsistently");
        }
    }

    private static ByteBuffer map(Path file, FileChannel channel, ZipDirectory.Entry entry)
            throws IOException {
        long start = ZipDirectory.dataStart(file, channel, entry);
        if (entry.size() == 0) {
            return ByteBuffer.allocate(0);
        }
        if (entry.size() > MAX_BUFFER_BYTES) {
            return null;
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, start, entry.size());
    }

    private static TensorInfo info(String name, TensorRef ref) {
        int size = ref.storage().dtype().byteSize();
        return new TensorInfo(
                name,
                ref.storage().dtype(),
                ref.shape(),
                ref.offset() * size,
                ref.spanEnd() * size);
    }

    // ---------------------------------------------------------------- reading tensors

    /**
     * Returns the path this checkpoint was opened from.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The names are the state dict's keys, in its order.
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

    /**
     * {@inheritDoc}
     *
     * <p>The offsets are byte offsets within the tensor's storage record: the span from its first
     * element to just past its last (for a strided tensor this may include elements it skips).
     */
    @Override
    public TensorInfo info(String name) {
        return slot(name).info();
    }

    /**
     * {@inheritDoc}
     *
     * <p>A contiguous tensor of a little-endian archive is a view of the file; any other tensor is
     * a fresh row-major copy.
     *
     * @throws UnsupportedOperationException if the tensor's storage record is 2 GiB or larger
     */
    @Override
    public HostTensor get(String name) {
        Slot slot = slot(name);
        Map<String, ByteBuffer> mapped = storages;
        if (mapped == null) {
            throw new IllegalStateException("Checkpoint " + path + " is closed");
        }
        ByteBuffer storage = mapped.get(slot.record());
        if (storage == null) {
            throw new UnsupportedOperationException(
                    "Tensor '"
                            + name
                            + "' lies in storage record "
                            + slot.record()
                            + " of 2 GiB or more, which cannot be mapped as one buffer");
        }
        TensorInfo info = slot.info();
        TensorRef ref = slot.ref();
        int elementSize = info.dtype().byteSize();
        if (ref.contiguous() && !bigEndian) {
            int length = Math.toIntExact(ref.numel() * elementSize);
            return new HostTensor(
                    info.dtype(), info.shape(), storage.slice((int) info.begin(), length));
        }
        return new HostTensor(
                info.dtype(), info.shape(), copyRowMajor(storage, ref, elementSize, bigEndian));
    }

    /**
     * Gathers a strided tensor into row-major order, reversing each element's bytes if the archive
     * is big-endian. The result is no larger than the storage (checked when unpickled).
     */
    static ByteBuffer copyRowMajor(
            ByteBuffer storage, TensorRef ref, int elementSize, boolean swapBytes) {
        int n = Math.toIntExact(ref.numel());
        byte[] out = new byte[Math.multiplyExact(n, elementSize)];
        long[] shape = ref.shape();
        long[] stride = ref.stride();
        long[] index = new long[shape.length];
        long source = ref.offset();
        for (int i = 0; i < n; i++) {
            int at = i * elementSize;
            storage.get((int) (source * elementSize), out, at, elementSize);
            if (swapBytes) {
                reverse(out, at, elementSize);
            }
            // Odometer over the multi-index, last dimension fastest.
            for (int d = shape.length - 1; d >= 0; d--) {
                source += stride[d];
                if (++index[d] < shape[d]) {
                    break;
                }
                source -= stride[d] * shape[d];
                index[d] = 0;
            }
        }
        return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void reverse(byte[] b, int from, int length) {
        for (int i = from, j = from + length - 1; i < j; i++, j--) {
            byte t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A {@code torch.save} archive has no free-form metadata, so this is empty.
     */
    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        // Dropping the mappings lets the collector unmap once returned tensors are gone too.
        storages = null;
    }

    private Slot slot(String name) {
        Slot s = tensors.get(name);
        if (s == null) {
            throw new NoSuchElementException("No tensor '" + name + "' in " + path);
        }
        return s;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints()
                .limit(64)
                .forEach(c -> b.append(c >= 0x20 && c < 0x7F ? Character.toString(c) : "?"));
        return b.toString();
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "PytorchCheckpoint[" + path + ", " + tensors.size() + " tensors]";
    }
}
