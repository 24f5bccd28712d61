package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.PickleOpcodes.APPEND;
import static ai.spikelm.zoo.weights.PickleOpcodes.APPENDS;
import static ai.spikelm.zoo.weights.PickleOpcodes.BINFLOAT;
import static ai.spikelm.zoo.weights.PickleOpcodes.BINGET;
import static ai.spikelm.zoo.weights.PickleOpcodes.BININT;
import static ai.spikelm.zoo.weights.PickleOpcodes.BININT1;
import static ai.spikelm.zoo.weights.PickleOpcodes.BININT2;
import static ai.spikelm.zoo.weights.PickleOpcodes.BINPERSID;
import static ai.spikelm.zoo.weights.PickleOpcodes.BINPUT;
import static ai.spikelm.zoo.weights.PickleOpcodes.BINUNICODE;
import static ai.spikelm.zoo.weights.PickleOpcodes.BINUNICODE8;
import static ai.spikelm.zoo.weights.PickleOpcodes.BUILD;
import static ai.spikelm.zoo.weights.PickleOpcodes.EMPTY_DICT;
import static ai.spikelm.zoo.weights.PickleOpcodes.EMPTY_LIST;
import static ai.spikelm.zoo.weights.PickleOpcodes.EMPTY_TUPLE;
import static ai.spikelm.zoo.weights.PickleOpcodes.FRAME;
import static ai.spikelm.zoo.weights.PickleOpcodes.GLOBAL;
import static ai.spikelm.zoo.weights.PickleOpcodes.LONG1;
import static ai.spikelm.zoo.weights.PickleOpcodes.LONG_BINGET;
import static ai.spikelm.zoo.weights.PickleOpcodes.LONG_BINPUT;
import static ai.spikelm.zoo.weights.PickleOpcodes.MARK;
import static ai.spikelm.zoo.weights.PickleOpcodes.MEMOIZE;
import static ai.spikelm.zoo.weights.PickleOpcodes.NEWFALSE;
import static ai.spikelm.zoo.weights.PickleOpcodes.NEWTRUE;
import static ai.spikelm.zoo.weights.PickleOpcodes.NONE;
import static ai.spikelm.zoo.weights.PickleOpcodes.PROTO;
import static ai.spikelm.zoo.weights.PickleOpcodes.REDUCE;
import static ai.spikelm.zoo.weights.PickleOpcodes.SETITEM;
import static ai.spikelm.zoo.weights.PickleOpcodes.SETITEMS;
import static ai.spikelm.zoo.weights.PickleOpcodes.SHORT_BINUNICODE;
import static ai.spikelm.zoo.weights.PickleOpcodes.STACK_GLOBAL;
import static ai.spikelm.zoo.weights.PickleOpcodes.STOP;
import static ai.spikelm.zoo.weights.PickleOpcodes.TUPLE;
import static ai.spikelm.zoo.weights.PickleOpcodes.TUPLE1;
import static ai.spikelm.zoo.weights.PickleOpcodes.TUPLE2;
import static ai.spikelm.zoo.weights.PickleOpcodes.TUPLE3;

import static ai.spikelm.zoo.weights.PickleValues.depthOf;
import static ai.spikelm.zoo.weights.PickleValues.describe;
import static ai.spikelm.zoo.weights.PickleValues.typeName;

import ai.spikelm.zoo.weights.PickleValues.PyDict;
import ai.spikelm.zoo.weights.PickleValues.PyList;
import ai.spikelm.zoo.weights.PickleValues.PyNone;
import ai.spikelm.zoo.weights.PickleValues.PyTuple;
import ai.spikelm.zoo.weights.TorchGlobals.Function;
import ai.spikelm.zoo.weights.TorchGlobals.StorageType;
import ai.spikelm.zoo.weights.TorchGlobals.TensorClass;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A restricted pickle virtual machine for the {@code data.pkl} of a {@code torch.save} archive, in
 * the spirit of {@code torch.load(weights_only=True)}.
 *
 * <p>It executes only the opcodes that pickled state dicts use (protocols 2 to 5) and knows a fixed
 * allow-list of globals: {@code collections.OrderedDict}, the tensor and parameter rebuild
 * functions of {@code torch._utils}, and the storage classes that mark a tensor's dtype. A global
 * is matched by name against that list and turned into a marker; nothing is looked up, loaded or
 * run, and any other global, any opcode that creates arbitrary objects, and any call or {@code
 * BUILD} on an unexpected object is refused with an {@link UnsafeCheckpointException}.
 *
 * <p>The result is plain data (see {@link PickleValues}), with a {@link TensorRef} for each rebuilt
 * tensor. Every tensor's layout is checked against the element count its persistent id declares;
 * the archive reader then checks that count against the storage record. The VM's memory is bounded
 * by the pickle's size and by {@link #MAX_STACK}, {@link #MAX_MEMO} and {@link #MAX_DEPTH}.
 */
final class TorchUnpickler {

    /** The most objects the stack may hold at once. */
    static final int MAX_STACK = 1 << 20;

    /** The largest memo index; real pickles number their memo entries densely from 0. */
    static final int MAX_MEMO = 1 << 22;

    /** The deepest nesting of containers, and of open MARKs, a pickle may have. */
    static final int MAX_DEPTH = 100;

    /** The most dimensions a tensor may have. */
    static final int MAX_DIMS = 64;

    private static final int MAX_GLOBAL_NAME = 256;
    private static final int HIGHEST_PROTOCOL = 5;

    private final Path file;
    private final String record;
    private final byte[] in;
    private int pos;
    private int opStart;

    private Object[] stack = new Object[64];
    private int size;
    private int[] marks = new int[16];
    private int markCount;
    private Object[] memo = new Object[64];
    private int memoCount;
    private final Map<String, StorageRef> storages = new HashMap<>();

    private TorchUnpickler(Path file, String record, byte[] pickle) {
        this.file = file;
        this.record = record;
        this.in = pickle;
    }

    /**
     * Runs a pickle.
     *
     * @param file the archive, for error messages
     * @param record the pickle's record name in the archive, for error messages
     * @param pickle the pickle bytes
     * @return the unpickled object
     * @throws UnsafeCheckpointException if the pickle asks for a global, opcode or call outside the
     *     allow-list
     * @throws MalformedCheckpointException if the pickle is malformed or exceeds a limit
     */
    static Object load(Path file, String record, byte[] pickle)
            throws MalformedCheckpointException {
        return new TorchUnpickler(file, record, pickle).run();
    }

    // ---------------------------------------------------------------- the loop

    private Object run() throws MalformedCheckpointException {
        while (true) {
            if (pos >= in.length) {
                throw malformed("the pickle ends without STOP");
            }
            opStart = pos;
            int op = u8();
            if (op == STOP) {
                return stop();
            }
            execute(op);
        }
    }

    private void execute(int op) throws MalformedCheckpointException {
        switch (op) {
            case PROTO:
                int protocol = u8();
                if (protocol > HIGHEST_PROTOCOL) {
                    throw malformed("unsupported pickle protocol " + protocol);
                }
                break;
            case FRAME:
                // Framing only groups opcodes for buffered reading; the whole pickle is in memory.
                long frame = i64();
                if (frame < 0 || frame > in.length - pos) {
                    throw malformed("a FRAME of " + frame + " bytes runs past the end");
                }
                break;
            case MARK:
                pushMark();
                break;
            case EMPTY_DICT:
                push(new PyDict());
                break;
            case EMPTY_LIST:
                push(new PyList());
                break;
            case EMPTY_TUPLE:
                push(PyTuple.EMPTY);
                break;
            case TUPLE:
                push(tuple(popToMark()));
                break;
            case TUPLE1:
            case TUPLE2:
            case TUPLE3:
                push(tuple(popN(op - TUPLE1 + 1)));
                break;
            case BINUNICODE:
                push(string(u32()));
                break;
            case SHORT_BINUNICODE:
                push(string(u8()));
                break;
            case BINUNICODE8:
                push(string(i64()));
                break;
            case BININT:
                push((long) i32());
                break;
            case BININT1:
                push((long) u8());
                break;
            case BININT2:
                push((long) u16());
                break;
            case LONG1:
                push(long1());
                break;
            case BINFLOAT:
                // The only big-endian field in the format.
                push(Double.longBitsToDouble(Long.reverseBytes(i64())));
                break;
            case NEWTRUE:
                push(Boolean.TRUE);
                break;
            case NEWFALSE:
                push(Boolean.FALSE);
                break;
            case NONE:
                push(PyNone.NONE);
                break;
            case SETITEM:
                setItems(popN(2));
                break;
            case SETITEMS:
                setItems(popToMark());
                break;
            case APPEND:
                append(popN(1));
                break;
            case APPENDS:
                append(popToMark());
                break;
            case BINPUT:
                memoPut(u8());
                break;
            case LONG_BINPUT:
                memoPut(u32());
                break;
            case MEMOIZE:
                memoPut(memoCount);
                break;
            case BINGET:
                push(memoGet(u8()));
                break;
            case LONG_BINGET:
                push(memoGet(u32()));
                break;
            case GLOBAL:
                String module = line();
                push(global(module, line()));
                break;
            case STACK_GLOBAL:
                Object[] names = popN(2);
                if (!(names[0] instanceof String) || !(names[1] instanceof String)) {
                    throw malformed("STACK_GLOBAL needs two strings");
                }
                push(global((String) names[0], (String) names[1]));
                break;
            case REDUCE:
                Object[] callAndArgs = popN(2);
                push(reduce(callAndArgs[0], callAndArgs[1]));
                break;
            case BINPERSID:
                push(persistentLoad(popN(1)[0]));
                break;
            case BUILD:
                build(popN(1)[0]);
                break;
            default:
                refuse(op);
        }
    }

    private Object stop() throws MalformedCheckpointException {
        if (markCount > 0) {
            throw malformed("STOP with " + markCount + " unclosed MARK(s)");
        }
        if (size != 1) {
            throw malformed("STOP with " + size + " objects on the stack instead of 1");
        }
        if (pos != in.length) {
            throw malformed((in.length - pos) + " bytes follow STOP");
        }
        return stack[--size];
    }

    private void refuse(int op) throws MalformedCheckpointException {
        String name = PickleOpcodes.name(op);
        if (name == null) {
            throw malformed(String.format(Locale.ROOT, "unknown opcode 0x%02x", op));
        }
        if (PickleOpcodes.createsObjects(op)) {
            throw unsafe(
                    "opcode " + name,
                    "opcode " + name + " creates arbitrary objects and is not allowed");
        }
        throw malformed("opcode " + name + " is not supported in a state dict");
    }

    // ---------------------------------------------------------------- stack, marks and memo

    private void push(Object o) throws MalformedCheckpointException {
        if (size == stack.length) {
            if (size >= MAX_STACK) {
                throw malformed("the stack exceeds " + MAX_STACK + " objects");
            }
            stack = Arrays.copyOf(stack, Math.min(MAX_STACK, size * 2));
        }
        stack[size++] = o;
    }

    private void pushMark() throws MalformedCheckpointException {
        if (markCount >= MAX_DEPTH) {
            throw malformed("more than " + MAX_DEPTH + " nested MARKs");
        }
        if (markCount == marks.length) {
            marks = Arrays.copyOf(marks, markCount * 2);
        }
        marks[markCount++] = size;
    }

    /** The stack index below which the current opcode may not pop: the innermost MARK. */
    private int floor() {
        return markCount == 0 ? 0 : marks[markCount - 1];
    }

    private Object[] popN(int n) throws MalformedCheckpointException {
        if (size - floor() < n) {
            throw malformed(opName() + " needs " + n + " object(s) on the stack");
        }
        size -= n;
        Object[] out = Arrays.copyOfRange(stack, size, size + n);
        Arrays.fill(stack, size, size + n, null);
        return out;
    }

    private Object[] popToMark() throws MalformedCheckpointException {
        if (markCount == 0) {
            throw malformed(opName() + " without a MARK");
        }
        int from = marks[--markCount];
        Object[] out = Arrays.copyOfRange(stack, from, size);
        Arrays.fill(stack, from, size, null);
        size = from;
        return out;
    }

    private Object top(String what) throws MalformedCheckpointException {
        if (size - floor() < 1) {
            throw malformed(opName() + " needs " + what + " on the stack");
        }
        return stack[size - 1];
    }

    private void memoPut(long index) throws MalformedCheckpointException {
        if (index >= MAX_MEMO) {
            throw malformed("memo index " + index + " exceeds the limit of " + MAX_MEMO);
        }
        Object value = top("an object to memoize");
        int i = (int) index;
        if (i >= memo.length) {
            memo = Arrays.copyOf(memo, Math.min(MAX_MEMO, Math.max(i + 1, memo.length * 2)));
        }
        if (memo[i] == null) {
            memoCount++;
        }
        memo[i] = value;
    }

    private Object memoGet(long index) throws MalformedCheckpointException {
        if (index >= memo.length || memo[(int) index] == null) {
            throw malformed("memo index " + index + " is not defined");
        }
        return memo[(int) index];
    }

    // ---------------------------------------------------------------- containers

    /** Checks a container's depth after it grew; a pickle cannot hold unbounded nesting. */
    private int checkDepth(int depth) throws MalformedCheckpointException {
        if (depth > MAX_DEPTH) {
            throw malformed("containers nested deeper than " + MAX_DEPTH);
        }
        return depth;
    }

    private PyTuple tuple(Object[] items) throws MalformedCheckpointException {
        PyTuple t = new PyTuple(items);
        checkDepth(t.depth);
        return t;
    }

    private void setItems(Object[] pairs) throws MalformedCheckpointException {
        if (pairs.length % 2 != 0) {
            throw malformed(opName() + " with an odd number of objects");
        }
        Object target = top("a dict");
        if (!(target instanceof PyDict)) {
            throw malformed(opName() + " on a " + typeName(target) + ", not a dict");
        }
        PyDict dict = (PyDict) target;
        for (int i = 0; i < pairs.length; i += 2) {
            Object key = pairs[i];
            // Scalar keys keep hashing cheap and exact; state dicts only use strings.
            if (!(key instanceof String
                    || key instanceof Long
                    || key instanceof Boolean
                    || key instanceof PyNone)) {
                throw malformed("a dict key is a " + typeName(key) + "; only str and int keys");
            }
            dict.depth = checkDepth(Math.max(dict.depth, depthOf(pairs[i + 1]) + 1));
            dict.items.put(key, pairs[i + 1]);
        }
    }

    private void append(Object[] values) throws MalformedCheckpointException {
        Object target = top("a list");
        if (!(target instanceof PyList)) {
            throw malformed(opName() + " on a " + typeName(target) + ", not a list");
        }
        PyList list = (PyList) target;
        for (Object v : values) {
            list.depth = checkDepth(Math.max(list.depth, depthOf(v) + 1));
            list.items.add(v);
        }
    }

    // ---------------------------------------------------------------- globals and calls

    private Object global(String module, String name) throws MalformedCheckpointException {
        Object allowed = TorchGlobals.lookup(module, name);
        if (allowed != null) {
            return allowed;
        }
        String qualified = module + "." + name;
        if (TorchGlobals.isOtherTorchStorage(module, name)) {
            // A torch dtype we cannot represent (complex, quantized, ...): unsupported, not unsafe.
            throw malformed("storage type " + qualified + " is not supported");
        }
        throw unsafe(qualified, "global " + qualified + " is not allowed");
    }

    private Object reduce(Object callable, Object args) throws MalformedCheckpointException {
        if (!(callable instanceof Function)) {
            String what = describe(callable);
            throw unsafe(what, "REDUCE calls " + what + ", which is not an allowed function");
        }
        if (!(args instanceof PyTuple)) {
            throw malformed("REDUCE arguments are a " + typeName(args) + ", not a tuple");
        }
        return call((Function) callable, (PyTuple) args);
    }

    private Object call(Function f, PyTuple args) throws MalformedCheckpointException {
        switch (f) {
            case ORDERED_DICT:
                arity(f, args, 0, 0);
                return new PyDict();
            case REBUILD_TENSOR:
                arity(f, args, 4, 4);
                return tensor(args);
            case REBUILD_TENSOR_V2:
                // (storage, offset, size, stride, requires_grad, backward_hooks[, metadata])
                arity(f, args, 6, 7);
                expect(f, args, 4, Boolean.class, "requires_grad");
                expect(f, args, 5, PyDict.class, "backward_hooks");
                if (args.size() == 7 && !(args.get(6) instanceof PyNone)) {
                    expect(f, args, 6, PyDict.class, "metadata");
                }
                return tensor(args);
            case REBUILD_PARAMETER:
            case REBUILD_PARAMETER_WITH_STATE:
                // (data, requires_grad, backward_hooks[, state]); the state is dropped.
                int n = f == Function.REBUILD_PARAMETER ? 3 : 4;
                arity(f, args, n, n);
                expect(f, args, 0, TensorRef.class, "data");
                expect(f, args, 1, Boolean.class, "requires_grad");
                expect(f, args, 2, PyDict.class, "backward_hooks");
                return args.get(0);
            case REBUILD_FROM_TYPE_V2:
                return rebuildFromType(args);
            default:
                throw new AssertionError(f);
        }
    }

    /**
     * {@code _rebuild_from_type_v2(func, new_type, args, state)}: a tensor whose class or
     * attributes were pickled too. Only plain tensors and parameters; the attributes are dropped.
     */
    private Object rebuildFromType(PyTuple args) throws MalformedCheckpointException {
        Function f = Function.REBUILD_FROM_TYPE_V2;
        arity(f, args, 4, 4);
        expect(f, args, 1, TensorClass.class, "new_type");
        expect(f, args, 2, PyTuple.class, "args");
        Object inner = args.get(0);
        if (inner != Function.REBUILD_TENSOR_V2
                && inner != Function.REBUILD_TENSOR
                && inner != Function.REBUILD_PARAMETER) {
            throw unsafe(
                    describe(inner),
                    f.qualifiedName()
                            + " may only call a tensor rebuild function, not "
                            + describe(inner));
        }
        return call((Function) inner, (PyTuple) args.get(2));
    }

    private void arity(Function f, PyTuple args, int min, int max)
            throws MalformedCheckpointException {
        if (args.size() < min || args.size() > max) {
            throw malformed(f.qualifiedName() + " called with " + args.size() + " arguments");
        }
    }

    private void expect(Function f, PyTuple args, int i, Class<?> type, String what)
            throws MalformedCheckpointException {
        if (!type.isInstance(args.get(i))) {
            throw malformed(
                    f.qualifiedName() + " argument " + what + " is a " + typeName(args.get(i)));
        }
    }

    private void build(Object state) throws MalformedCheckpointException {
        Object target = top("an object to BUILD");
        // OrderedDict state dicts carry _metadata this way; tensors may carry attributes.
        if (!(target instanceof PyDict) && !(target instanceof TensorRef)) {
            String what = typeName(target);
            throw unsafe("BUILD on " + what, "BUILD on a " + what + " is not allowed");
        }
        if (!(state instanceof PyDict || state instanceof PyNone || state instanceof PyTuple)) {
            throw malformed("BUILD state is a " + typeName(state));
        }
        // The state only sets Python attributes, which a HostTensor has no use for.
    }

    // ---------------------------------------------------------------- storages and tensors

    private StorageRef persistentLoad(Object pid) throws MalformedCheckpointException {
        if (!(pid instanceof PyTuple)
                || ((PyTuple) pid).size() != 5
                || !"storage".equals(((PyTuple) pid).get(0))) {
            throw malformed("persistent id is not ('storage', type, key, location, numel)");
        }
        PyTuple t = (PyTuple) pid;
        if (!(t.get(1) instanceof StorageType)) {
            throw malformed("persistent id names a " + typeName(t.get(1)) + ", not a storage type");
        }
        if (!(t.get(2) instanceof String)
                || !(t.get(3) instanceof String)
                || !(t.get(4) instanceof Long)) {
            throw malformed("persistent id is not ('storage', type, key, location, numel)");
        }
        StorageType type = (StorageType) t.get(1);
        String key = (String) t.get(2);
        long numel = (Long) t.get(4);
        if (numel < 0) {
            throw malformed("storage '" + key + "' declares " + numel + " elements");
        }
        StorageRef ref =
                new StorageRef(key, type.dtype(), type.qualifiedName(), (String) t.get(3), numel);
        StorageRef seen = storages.putIfAbsent(key, ref);
        if (seen == null) {
            return ref;
        }
        // torch.save refuses to save one storage under two types; so do we.
        if (seen.dtype() != ref.dtype() || seen.numel() != ref.numel()) {
            throw malformed(
                    "storage '"
                            + key
                            + "' is declared as "
                            + seen.numel()
                            + " x "
                            + seen.dtype()
                            + " and as "
                            + ref.numel()
                            + " x "
                            + ref.dtype());
        }
        return seen;
    }

    /** {@code (storage, storage_offset, size, stride, ...)}, checked against the storage. */
    private TensorRef tensor(PyTuple args) throws MalformedCheckpointException {
        if (!(args.get(0) instanceof StorageRef)) {
            throw malformed("tensor storage is a " + typeName(args.get(0)) + ", not a storage");
        }
        StorageRef storage = (StorageRef) args.get(0);
        if (!(args.get(1) instanceof Long) || (Long) args.get(1) < 0) {
            throw malformed("tensor storage offset is not a non-negative int");
        }
        long offset = (Long) args.get(1);
        long[] shape = longs(args.get(2), "size");
        long[] stride = longs(args.get(3), "stride");
        if (shape.length != stride.length) {
            throw malformed(
                    "tensor has " + shape.length + " sizes but " + stride.length + " strides");
        }
        try {
            return TensorRef.of(storage, offset, shape, stride);
        } catch (IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
    }

    private long[] longs(Object o, String what) throws MalformedCheckpointException {
        if (!(o instanceof PyTuple)) {
            throw malformed("tensor " + what + " is a " + typeName(o) + ", not a tuple");
        }
        PyTuple t = (PyTuple) o;
        if (t.size() > MAX_DIMS) {
            throw malformed("tensor has " + t.size() + " dimensions; at most " + MAX_DIMS);
        }
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.get(i) instanceof Long) || (Long) t.get(i) < 0) {
                throw malformed("tensor " + what + " " + i + " is not a non-negative int");
            }
            out[i] = (Long) t.get(i);
        }
        return out;
    }

    // ---------------------------------------------------------------- reading bytes

    private void need(long n) throws MalformedCheckpointException {
        if (n > in.length - pos) {
            throw malformed(opName() + " needs " + n + " bytes but the pickle ends first");
        }
    }

    private int u8() throws MalformedCheckpointException {
        need(1);
        return in[pos++] & 0xFF;
    }

    private int u16() throws MalformedCheckpointException {
        need(2);
        int v = (in[pos] & 0xFF) | (in[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    private int i32() throws MalformedCheckpointException {
        need(4);
        int v =
                (in[pos] & 0xFF)
                        | (in[pos + 1] & 0xFF) << 8
                        | (in[pos + 2] & 0xFF) << 16
                        | (in[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    private long u32() throws MalformedCheckpointException {
        return i32() & 0xFFFFFFFFL;
    }

    private long i64() throws MalformedCheckpointException {
        long lo = u32();
        long hi = u32();
        return lo | hi << 32;
    }

    /** LONG1: a little-endian two's complement integer of up to 8 bytes. */
    private Long long1() throws MalformedCheckpointException {
        int n = u8();
        if (n > 8) {
            throw malformed("an integer of " + n + " bytes does not fit in 64 bits");
        }
        need(n);
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (in[pos + i] & 0xFFL) << (8 * i);
        }
        pos += n;
        if (n > 0 && n < 8) {
            int unused = 64 - 8 * n;
            v = (v << unused) >> unused; // sign-extend
        }
        return v;
    }

    private String string(long n) throws MalformedCheckpointException {
        if (n < 0 || n > in.length - pos) {
            throw malformed("a string of " + Long.toUnsignedString(n) + " bytes runs past the end");
        }
        int len = (int) n;
        try {
            CharBuffer chars =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(in, pos, len));
            pos += len;
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw malformed("a string is not valid UTF-8");
        }
    }

    /** A GLOBAL operand: printable ASCII up to a newline. */
    private String line() throws MalformedCheckpointException {
        int start = pos;
        while (true) {
            int c = u8();
            if (c == '\n') {
                return new String(in, start, pos - 1 - start, StandardCharsets.US_ASCII);
            }
            if (c < 0x20 || c > 0x7E) {
                throw malformed("a GLOBAL name holds a byte that is not printable ASCII");
            }
            if (pos - start > MAX_GLOBAL_NAME) {
                throw malformed("a GLOBAL name is longer than " + MAX_GLOBAL_NAME + " bytes");
            }
        }
    }

    // ---------------------------------------------------------------- messages

    private String opName() {
        String name = PickleOpcodes.name(in[opStart] & 0xFF);
        return name == null ? "opcode" : name;
    }

    private MalformedCheckpointException malformed(String problem) {
        return new MalformedCheckpointException(file, where() + problem);
    }

    private UnsafeCheckpointException unsafe(String refused, String problem) {
        return new UnsafeCheckpointException(file, refused, where() + problem);
    }

    private String where() {
        return record + " at byte " + opStart + ": ";
    }
}
