package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.PickleOpcodes.BINPERSID;
import static ai.spikelm.zoo.weights.PickleOpcodes.BUILD;
import static ai.spikelm.zoo.weights.PickleOpcodes.EMPTY_DICT;
import static ai.spikelm.zoo.weights.PickleOpcodes.EMPTY_TUPLE;
import static ai.spikelm.zoo.weights.PickleOpcodes.FRAME;
import static ai.spikelm.zoo.weights.PickleOpcodes.MARK;
import static ai.spikelm.zoo.weights.PickleOpcodes.MEMOIZE;
import static ai.spikelm.zoo.weights.PickleOpcodes.NEWFALSE;
import static ai.spikelm.zoo.weights.PickleOpcodes.NEWTRUE;
import static ai.spikelm.zoo.weights.PickleOpcodes.REDUCE;
import static ai.spikelm.zoo.weights.PickleOpcodes.SETITEM;
import static ai.spikelm.zoo.weights.PickleOpcodes.SETITEMS;
import static ai.spikelm.zoo.weights.PickleOpcodes.STACK_GLOBAL;
import static ai.spikelm.zoo.weights.PickleOpcodes.STOP;
import static ai.spikelm.zoo.weights.PickleOpcodes.TUPLE;
import static ai.spikelm.zoo.weights.PickleOpcodes.TUPLE1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes what {@code torch.save(model.state_dict(), path)} writes, for tests: a zip archive of
 * stored records, 64-byte aligned by padding in the local headers' extra fields, holding {@code
 * <archive>/data.pkl} (a protocol 2 pickle by default), the storage records {@code
 * <archive>/data/<key>} and the bookkeeping records of PyTorch 2.x.
 *
 * <p>The pickle follows Python's pickler step by step, memo included: the state dict is an {@code
 * OrderedDict} (GLOBAL, EMPTY_TUPLE, REDUCE), its items come in SETITEMS batches, each tensor is
 * {@code _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())} with the storage
 * a persistent id {@code ('storage', torch.XStorage, key, 'cpu', numel)}, and the state dict's
 * {@code _metadata} attribute comes last through BUILD. Objects Python would share (the string
 * {@code 'storage'}, the location, a storage's key, globals) are memoized once and fetched again
 * with BINGET.
 */
final class TorchZipWriter {

    /** One storage: the record every view of it shares. */
    static final class Storage {
        final TensorDType dtype;
        final byte[] data;

        Storage(TensorDType dtype, byte[] data) {
            this.dtype = dtype;
            this.data = data.clone();
        }

        long numel() {
            return data.length / dtype.byteSize();
        }
    }

    private record View(String name, Storage storage, long offset, long[] shape, long[] stride) {}

    private final List<View> views = new ArrayList<>();
    private String archive = "archive";
    private int protocol = 2;
    private String byteorder = "little";
    private boolean zip64;
    private boolean moduleMetadata = true;
    private boolean parameters;

    /** Names the archive directory (torch uses the file name without extension). */
    TorchZipWriter archive(String name) {
        this.archive = name;
        return this;
    }

    /** Pickles with protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL) instead of 2. */
    TorchZipWriter protocol(int p) {
        this.protocol = p;
        return this;
    }

    /** Writes a {@code byteorder} record with this content, or none if null; "big" swaps data. */
    TorchZipWriter byteorder(String order) {
        this.byteorder = order;
        return this;
    }

    /** Writes zip64 central directory fields and end records, as miniz does for large files. */
    TorchZipWriter zip64(boolean on) {
        this.zip64 = on;
        return this;
    }

    /** Whether the state dict carries {@code _metadata} (as {@code Module.state_dict()} does). */
    TorchZipWriter moduleMetadata(boolean on) {
        this.moduleMetadata = on;
        return this;
    }

    /** Saves tensors as {@code nn.Parameter}s, as {@code state_dict(keep_vars=True)} does. */
    TorchZipWriter parameters(boolean on) {
        this.parameters = on;
        return this;
    }

    /** A new storage for views. */
    static Storage storage(TensorDType dtype, byte[] littleEndianData) {
        return new Storage(dtype, littleEndianData);
    }

    /** A contiguous tensor with a storage of its own. */
    TorchZipWriter tensor(String name, TensorDType dtype, long[] shape, byte[] littleEndianData) {
        return view(name, storage(dtype, littleEndianData), 0, shape, rowMajor(shape));
    }

    /** A tensor viewing a storage with any offset and strides (in elements). */
    TorchZipWriter view(String name, Storage storage, long offset, long[] shape, long[] stride) {
        views.add(new View(name, storage, offset, shape.clone(), stride.clone()));
        return this;
    }

    /** Row-major strides of a shape. */
    static long[] rowMajor(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            stride[d] = s;
            s *= Math.max(shape[d], 1);
        }
        return stride;
    }

    // ---------------------------------------------------------------- the pickle

    /** Python's memo: object identity (or a name for shared constants) to memo index. */
    private final class Pickler {
        final PickleBytes out = new PickleBytes();
        final Map<Object, Integer> memo = new HashMap<>();
        final Map<Storage, String> keys = new IdentityHashMap<>();

        void memoize(Object key) {
            int index = memo.size();
            memo.put(key, index);
            if (protocol >= 4) {
                out.op(MEMOIZE);
            } else {
                out.put(index);
            }
        }

        /** Emits a fetch if memoized before and returns true. */
        boolean fetch(Object key) {
            Integer index = memo.get(key);
            if (index == null) {
                return false;
            }
            out.get(index);
            return true;
        }

        void string(String s, Object identity) {
            if (identity != null && fetch(identity)) {
                return;
            }
            if (protocol >= 4 && s.getBytes(StandardCharsets.UTF_8).length < 256) {
                out.shortUnicode(s);
            } else {
                out.unicode(s);
            }
            memoize(identity != null ? identity : new Object());
        }

        void global(String module, String name) {
            String identity = "global " + module + " " + name;
            if (fetch(identity)) {
                return;
            }
            if (protocol >= 4) {
                string(module, null);
                string(name, null);
                out.op(STACK_GLOBAL);
            } else {
                out.global(module, name);
            }
            memoize(identity);
        }

        void intTuple(long[] values) {
            if (values.length == 0) {
                out.op(EMPTY_TUPLE); // the empty tuple is never memoized
                return;
            }
            if (values.length > 3) {
                out.op(MARK);
            }
            for (long v : values) {
                out.integer(v);
            }
            out.op(values.length > 3 ? TUPLE : TUPLE1 + values.length - 1);
            memoize(new Object());
        }

        void emptyOrderedDict() {
            global("collections", "OrderedDict");
            out.op(EMPTY_TUPLE).op(REDUCE);
            memoize(new Object());
        }

        void persistentId(Storage s) {
            out.op(MARK);
            string("storage", "str storage");
            global("torch", storageClass(s.dtype));
            String key = keys.computeIfAbsent(s, k -> Integer.toString(keys.size()));
            string(key, "key " + key); // id_map.setdefault returns the same str object
            string("cpu", "str cpu");
            out.integer(s.numel());
            out.op(TUPLE);
            memoize(new Object());
            out.op(BINPERSID);
        }

        void tensor(View v) {
            if (parameters) {
                global("torch._utils", "_rebuild_parameter");
            }
            global("torch._utils", "_rebuild_tensor_v2");
            out.op(MARK);
            persistentId(v.storage());
            out.integer(v.offset());
            intTuple(v.shape());
            intTuple(v.stride());
            out.op(NEWFALSE);
            emptyOrderedDict();
            out.op(TUPLE);
            memoize(new Object());
            out.op(REDUCE);
            memoize(new Object());
            if (parameters) {
                out.op(NEWTRUE);
                emptyOrderedDict();
                out.op(PickleOpcodes.TUPLE3);
                memoize(new Object());
                out.op(REDUCE);
                memoize(new Object());
            }
        }

        /** {@code {'_metadata': OrderedDict([('', {'version': 1})])}} then BUILD. */
        void moduleMetadata() {
            out.op(EMPTY_DICT);
            memoize(new Object());
            string("_metadata", null);
            emptyOrderedDict();
            string("", null);
            out.op(EMPTY_DICT);
            memoize(new Object());
            string("version", "str version");
            out.integer(1);
            out.op(SETITEM);
            out.op(SETITEM);
            out.op(SETITEM);
            out.op(BUILD);
        }

        /** {@code torch.save(tensor)}: the first view alone, not in a state dict. */
        byte[] bareTensor() {
            tensor(views.get(0));
            return finish();
        }

        byte[] pickle() {
            global("collections", "OrderedDict");
            out.op(EMPTY_TUPLE).op(REDUCE);
            memoize(new Object());
            // Python's _batch_setitems: SETITEM for a lone item, else MARK ... SETITEMS by 1000.
            for (int from = 0; from < views.size(); from += 1000) {
                List<View> batch = views.subList(from, Math.min(views.size(), from + 1000));
                if (batch.size() > 1) {
                    out.op(MARK);
                }
                for (View v : batch) {
                    string(v.name(), null);
                    tensor(v);
                }
                out.op(batch.size() > 1 ? SETITEMS : SETITEM);
            }
            if (moduleMetadata) {
                moduleMetadata();
            }
            return finish();
        }

        private byte[] finish() {
            out.op(STOP);
            byte[] body = out.bytes();
            PickleBytes framed = new PickleBytes().proto(protocol);
            if (protocol >= 4) {
                framed.op(FRAME).u64(body.length);
            }
            return framed.raw(body).bytes();
        }
    }

    static String storageClass(TensorDType dtype) {
        switch (dtype) {
            case F32:
                return "FloatStorage";
            case F16:
                return "HalfStorage";
            case BF16:
                return "BFloat16Storage";
            case F64:
                return "DoubleStorage";
            case I64:
                return "LongStorage";
            case I32:
                return "IntStorage";
            case I16:
                return "ShortStorage";
            case I8:
                return "CharStorage";
            case U8:
                return "ByteStorage";
            case BOOL:
                return "BoolStorage";
            default:
                throw new IllegalArgumentException(dtype.toString());
        }
    }

    /** The pickle alone. */
    byte[] pickle() {
        return new Pickler().pickle();
    }

    /** The pickle {@code torch.save} writes for the first tensor alone. */
    byte[] bareTensorPickle() {
        return new Pickler().bareTensor();
    }

    /** The records of the archive, in the order torch writes them. */
    Map<String, byte[]> records() {
        Pickler p = new Pickler();
        byte[] pickle = p.pickle();
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put(archive + "/data.pkl", pickle);
        records.put(archive + "/.format_version", ascii("1"));
        records.put(archive + "/.storage_alignment", ascii("64"));
        if (byteorder != null) {
            records.put(archive + "/byteorder", ascii(byteorder));
        }
        for (Map.Entry<Storage, String> e : sortedKeys(p.keys).entrySet()) {
            byte[] data = e.getKey().data.clone();
            if ("big".equals(byteorder)) {
                swapElements(data, e.getKey().dtype.byteSize());
            }
            records.put(archive + "/data/" + e.getValue(), data);
        }
        records.put(archive + "/version", ascii("3\n"));
        records.put(
                archive + "/.data/serialization_id",
                ascii("1234567890123456789012345678901234567890"));
        return records;
    }

    private static Map<Storage, String> sortedKeys(Map<Storage, String> keys) {
        List<Map.Entry<Storage, String>> list = new ArrayList<>(keys.entrySet());
        list.sort(
                (a, b) ->
                        Integer.compare(
                                Integer.parseInt(a.getValue()), Integer.parseInt(b.getValue())));
        Map<Storage, String> out = new LinkedHashMap<>();
        list.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The whole archive. */
    byte[] toBytes() {
        return zip(records(), zip64);
    }

    /** Writes the archive to a file and returns it. */
    Path write(Path file) throws IOException {
        return Files.write(file, toBytes());
    }

    // ---------------------------------------------------------------- the zip container

    /**
     * A zip of stored records laid out as PyTorch's writer does: each record's data 64-byte aligned
     * through an "FB" padding field in the local header only.
     */
    static byte[] zip(Map<String, byte[]> records, boolean zip64) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream cen = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> r : records.entrySet()) {
            byte[] name = ascii(r.getKey());
            byte[] data = r.getValue();
            CRC32 crc = new CRC32();
            crc.update(data);
            long offset = out.size();
            int unpadded = (int) ((offset + 30 + name.length + 4) % 64);
            int pad = unpadded == 0 ? 0 : 64 - unpadded;
            ByteBuffer loc = le(30);
            loc.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0);
            loc.putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue());
            loc.putInt(data.length).putInt(data.length);
            loc.putShort((short) name.length).putShort((short) (4 + pad));
            out.writeBytes(loc.array());
            out.writeBytes(name);
            out.writeBytes(le(4).putShort((short) 0x4246).putShort((short) pad).array());
            out.writeBytes(new byte[pad]);
            out.writeBytes(data);

            byte[] extra = new byte[0];
            if (zip64) {
                extra =
                        le(28).putShort((short) 1)
                                .putShort((short) 24)
                                .putLong(data.length)
                                .putLong(data.length)
                                .putLong(offset)
                                .array();
            }
            ByteBuffer c = le(46);
            c.putInt(0x02014b50).putShort((short) 0x031E).putShort((short) (zip64 ? 45 : 20));
            c.putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0x21);
            c.putInt((int) crc.getValue());
            c.putInt(zip64 ? -1 : data.length).putInt(zip64 ? -1 : data.length);
            c.putShort((short) name.length).putShort((short) extra.length).putShort((short) 0);
            c.putShort((short) 0).putShort((short) 0).putInt(0);
            c.putInt(zip64 ? -1 : (int) offset);
            cen.writeBytes(c.array());
            cen.writeBytes(name);
            cen.writeBytes(extra);
        }
        long cenOffset = out.size();
        out.writeBytes(cen.toByteArray());
        int count = records.size();
        if (zip64) {
            long zip64End = out.size();
            ByteBuffer z = le(56);
            z.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45);
            z.putInt(0).putInt(0).putLong(count).putLong(count);
            z.putLong(cen.size()).putLong(cenOffset);
            out.writeBytes(z.array());
            ByteBuffer locator = le(20);
            locator.putInt(0x07064b50).putInt(0).putLong(zip64End).putInt(1);
            out.writeBytes(locator.array());
        }
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0);
        end.putShort((short) (zip64 ? 0xFFFF : count)).putShort((short) (zip64 ? 0xFFFF : count));
        end.putInt(zip64 ? -1 : cen.size()).putInt(zip64 ? -1 : (int) cenOffset);
        end.putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static void swapElements(byte[] data, int size) {
        for (int at = 0; at < data.length; at += size) {
            for (int i = at, j = at + size - 1; i < j; i++, j--) {
                byte t = data[i];
                data[i] = data[j];
                data[j] = t;
            }
        }
    }
}
