package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.SafetensorsBytes.f32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Hostile and broken archives: each is refused with a {@link MalformedCheckpointException} (an
 * {@link UnsafeCheckpointException} when it asks for code) that names the problem, and nothing
 * named in a file is ever loaded.
 */
class MaliciousPytorchTest {

    @TempDir Path dir;
    private int count;

    // ---------------------------------------------------------------- building hostile archives

    /** An archive with this pickle and storage records 0, 1, ... holding these bytes. */
    private Path archive(byte[] pickle, byte[]... storages) throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("archive/data.pkl", pickle);
        for (int i = 0; i < storages.length; i++) {
            records.put("archive/data/" + i, storages[i]);
        }
        return Files.write(dir.resolve("m" + count++ + ".bin"), TorchZipWriter.zip(records, false));
    }

    private MalformedCheckpointException assertMalformed(Path file, String... fragments) {
        MalformedCheckpointException e =
                assertThrows(
                        MalformedCheckpointException.class,
                        () -> PytorchCheckpoint.open(file).close());
        for (String f : fragments) {
            assertTrue(e.problem().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
        assertEquals(file, e.file());
        return e;
    }

    private MalformedCheckpointException assertMalformed(byte[] pickle, String... fragments)
            throws IOException {
        MalformedCheckpointException e =
                assertMalformed(archive(pickle, f32(1, 2, 3, 4)), fragments);
        assertFalse(e instanceof UnsafeCheckpointException, e.getMessage());
        return e;
    }

    private UnsafeCheckpointException assertUnsafe(byte[] pickle, String refused, String fragment)
            throws IOException {
        MalformedCheckpointException e =
                assertMalformed(archive(pickle, f32(1, 2, 3, 4)), fragment);
        UnsafeCheckpointException u = assertInstanceOf(UnsafeCheckpointException.class, e);
        assertEquals(refused, u.refused());
        return u;
    }

    /** Emits {@code _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}. */
    private static PickleBytes tensor(
            PickleBytes p,
            String storageClass,
            String key,
            long numel,
            long offset,
            long[] size,
            long[] stride) {
        p.global("torch._utils", "_rebuild_tensor_v2").op('(');
        p.op('(').unicode("storage").global("torch", storageClass).unicode(key).unicode("cpu");
        p.integer(numel).op('t').op('Q');
        p.integer(offset);
        intTuple(p, size);
        intTuple(p, stride);
        p.op(0x89).global("collections", "OrderedDict").op(')').op('R');
        return p.op('t').op('R');
    }

    private static void intTuple(PickleBytes p, long[] values) {
        p.op('(');
        for (long v : values) {
            p.integer(v);
        }
        p.op('t');
    }

    /** A state dict {@code {'w': tensor}} over a 4-float storage '0'. */
    private static byte[] stateDict(
            String key, long numel, long offset, long[] size, long[] stride) {
        PickleBytes p = new PickleBytes().proto(2).op('}').unicode("w");
        tensor(p, "FloatStorage", key, numel, offset, size, stride);
        return p.op('s').op('.').bytes();
    }

    private static byte[] stateDict(long offset, long[] size, long[] stride) {
        return stateDict("0", 4, offset, size, stride);
    }

    @Test
    void theHelpersBuildAReadableArchive() throws IOException {
        Path ok = archive(stateDict(1, new long[] {3}, new long[] {1}), f32(1, 2, 3, 4));
        try (PytorchCheckpoint r = PytorchCheckpoint.open(ok)) {
            assertEquals(4, r.get("w").toFloatArray()[2]);
        }
    }

    // ---------------------------------------------------------------- code execution

    @Test
    void osSystemIsRefusedAtTheGlobal() throws IOException {
        byte[] pickle =
                new PickleBytes()
                        .proto(2)
                        .global("os", "system")
                        .put(0)
                        .op('(')
                        .unicode("touch /tmp/pwned")
                        .op('t')
                        .op('R')
                        .op('.')
                        .bytes();
        assertUnsafe(
                pickle, "os.system", "archive/data.pkl at byte 2: global os.system is not allowed");
    }

    @Test
    void everyBuiltinAndModuleGlobalIsRefused() throws IOException {
        String[][] globals = {
            {"builtins", "eval"},
            {"builtins", "exec"},
            {"builtins", "getattr"},
            {"__builtin__", "eval"},
            {"posix", "system"},
            {"nt", "system"},
            {"subprocess", "Popen"},
            {"torch.nn.modules.linear", "Linear"},
            {"torch.nn.modules.container", "Sequential"},
            {"torch", "load"},
            {"torch._utils", "_rebuild_qtensor"},
            {"collections", "defaultdict"},
            {"torch", "_utils._rebuild_tensor_v2"}, // a dotted name resolves only in Python
        };
        for (String[] g : globals) {
            byte[] p2 =
                    new PickleBytes().proto(2).global(g[0], g[1]).op(')').op('R').op('.').bytes();
            assertUnsafe(p2, g[0] + "." + g[1], "global " + g[0] + "." + g[1] + " is not allowed");
            // The same through STACK_GLOBAL (protocol 4).
            byte[] p4 =
                    new PickleBytes()
                            .proto(4)
                            .shortUnicode(g[0])
                            .shortUnicode(g[1])
                            .op(PickleOpcodes.STACK_GLOBAL)
                            .op(')')
                            .op('R')
                            .op('.')
                            .bytes();
            assertUnsafe(p4, g[0] + "." + g[1], "is not allowed");
        }
    }

    @Test
    void noClassIsEverLoadedByName() throws IOException {
        String canary = PickleCanary.class.getName();
        String module = canary.substring(0, canary.lastIndexOf('.'));
        String name = canary.substring(canary.lastIndexOf('.') + 1);
        assertUnsafe(
                new PickleBytes().proto(2).global(module, name).op(')').op('R').op('.').bytes(),
                canary,
                "is not allowed");
        assertUnsafe(
                new PickleBytes().proto(2).global(module, name).op(')').op(0x81).op('.').bytes(),
                canary,
                "is not allowed");
        assertFalse(
                PickleCanary.Flag.INITIALIZED.get(), "a class named in the file was initialised");
    }

    @Test
    void objectCreatingOpcodesAreRefused() throws IOException {
        // INST and OBJ (protocol 0/1), NEWOBJ, NEWOBJ_EX, EXT1/2/4 (copyreg extension registry).
        int[] ops = {'i', 'o', 0x81, 0x92, 0x82, 0x83, 0x84};
        String[] names = {"INST", "OBJ", "NEWOBJ", "NEWOBJ_EX", "EXT1", "EXT2", "EXT4"};
        for (int i = 0; i < ops.length; i++) {
            byte[] pickle =
                    new PickleBytes().proto(2).op(')').op(ops[i]).raw(0, 0, 0, 0).op('.').bytes();
            assertUnsafe(
                    pickle,
                    "opcode " + names[i],
                    "at byte 3: opcode "
                            + names[i]
                            + " creates arbitrary objects and is not allowed");
        }
    }

    @Test
    void reduceCallsOnlyAllowedFunctions() throws IOException {
        // A storage class is an allowed global, but only as a dtype marker.
        assertUnsafe(
                new PickleBytes()
                        .proto(2)
                        .global("torch", "FloatStorage")
                        .op(')')
                        .op('R')
                        .op('.')
                        .bytes(),
                "torch.FloatStorage",
                "REDUCE calls torch.FloatStorage, which is not an allowed function");
        assertUnsafe(
                new PickleBytes().proto(2).unicode("os.system").op(')').op('R').op('.').bytes(),
                "a str",
                "REDUCE calls a str");
        // _rebuild_from_type_v2 may only call the tensor rebuild functions.
        byte[] fromType =
                new PickleBytes()
                        .proto(2)
                        .global("torch._tensor", "_rebuild_from_type_v2")
                        .op('(')
                        .global("collections", "OrderedDict")
                        .global("torch", "Tensor")
                        .op(')')
                        .op('}')
                        .op('t')
                        .op('R')
                        .op('.')
                        .bytes();
        assertUnsafe(
                fromType, "collections.OrderedDict", "may only call a tensor rebuild function");
    }

    @Test
    void buildOnlyOnDictsAndTensors() throws IOException {
        // The classic "class with __setstate__" shape, on an allowed global.
        assertUnsafe(
                new PickleBytes()
                        .proto(2)
                        .global("torch", "FloatStorage")
                        .op('}')
                        .op('b')
                        .op('.')
                        .bytes(),
                "BUILD on torch.FloatStorage",
                "BUILD on a torch.FloatStorage is not allowed");
        assertUnsafe(
                new PickleBytes().proto(2).op(']').op('}').op('b').op('.').bytes(),
                "BUILD on list",
                "BUILD on a list is not allowed");
        assertUnsafe(
                new PickleBytes().proto(2).unicode("x").op('}').op('b').op('.').bytes(),
                "BUILD on str",
                "BUILD on a str is not allowed");
    }

    // ---------------------------------------------------------------- unsupported or unknown
    // opcodes

    @Test
    void unknownAndUnsupportedOpcodesAreNamed() throws IOException {
        assertMalformed(
                new PickleBytes().proto(2).op(0xFF).bytes(), "at byte 2: unknown opcode 0xff");
        assertMalformed(new PickleBytes().proto(2).op(0x99).bytes(), "unknown opcode 0x99");
        assertMalformed(
                new PickleBytes().proto(2).op('N').op('0').bytes(), "opcode POP is not supported");
        assertMalformed(
                new PickleBytes().proto(2).raw('P').bytes(), "opcode PERSID is not supported");
        assertMalformed(
                new PickleBytes().proto(2).raw('S').bytes(), "opcode STRING is not supported");
        assertMalformed(
                new PickleBytes().proto(2).op(0x8b).bytes(), "opcode LONG4 is not supported");
        assertMalformed(
                new PickleBytes().proto(3).op('C').bytes(),
                "opcode SHORT_BINBYTES is not supported");
        assertMalformed(
                new PickleBytes().proto(6).op('.').bytes(), "unsupported pickle protocol 6");
    }

    // ---------------------------------------------------------------- resource limits

    @Test
    void deepNestingIsRefused() throws IOException {
        PickleBytes tuples = new PickleBytes().proto(2).op(')');
        for (int i = 0; i < 150; i++) {
            tuples.op(0x85); // TUPLE1 around the previous tuple
        }
        assertMalformed(tuples.op('.').bytes(), "containers nested deeper than 100");

        PickleBytes marks = new PickleBytes().proto(2);
        for (int i = 0; i < 150; i++) {
            marks.op('(');
        }
        assertMalformed(marks.bytes(), "more than 100 nested MARKs");

        PickleBytes lists = new PickleBytes().proto(2);
        for (int i = 0; i < 150; i++) {
            lists.op(']');
        }
        for (int i = 0; i < 149; i++) {
            lists.op('a'); // append each list to the one below it
        }
        assertMalformed(lists.op('.').bytes(), "containers nested deeper than 100");
    }

    @Test
    void hugeDeclaredSizesAllocateNothing() throws IOException {
        assertMalformed(
                new PickleBytes().proto(2).op('X').u32(0x7FFFFFF0L).bytes(),
                "a string of 2147483632 bytes runs past the end");
        assertMalformed(
                new PickleBytes().proto(4).op(0x8d).u64(Long.MAX_VALUE).bytes(),
                "a string of 9223372036854775807 bytes runs past the end");
        assertMalformed(
                new PickleBytes().proto(4).op(0x8d).u64(-1).bytes(),
                "a string of 18446744073709551615 bytes");
        assertMalformed(
                new PickleBytes().proto(4).op(0x95).u64(1L << 40).bytes(),
                "a FRAME of 1099511627776 bytes");
        assertMalformed(
                new PickleBytes().proto(2).raw(0x8a, 200).bytes(),
                "an integer of 200 bytes does not fit");
        // Sizes whose product overflows a long.
        assertMalformed(
                stateDict(0, new long[] {1L << 40, 1L << 40}, new long[] {1L << 40, 1}),
                "overflows");
        // A size far beyond the 4-element storage.
        assertMalformed(
                stateDict(0, new long[] {1L << 30}, new long[] {1}),
                "reaches element 1073741823 of a storage of 4 elements");
        // A broadcast view would make a copy larger than the file.
        assertMalformed(
                stateDict(0, new long[] {1_000_000}, new long[] {0}),
                "has more elements than its storage of 4; broadcast views are not supported");
        assertMalformed(
                stateDict(5, new long[0], new long[0]), "starts past its storage of 4 elements");
        assertMalformed(
                stateDict(-1, new long[] {1}, new long[] {1}),
                "storage offset is not a non-negative int");
        assertMalformed(
                stateDict(0, new long[] {-2}, new long[] {1}),
                "tensor size 0 is not a non-negative int");
        assertMalformed(
                stateDict(0, new long[] {2}, new long[] {-1}),
                "tensor stride 0 is not a non-negative int");
        assertMalformed(
                stateDict(0, new long[] {2, 2}, new long[] {1}),
                "tensor has 2 sizes but 1 strides");
        assertMalformed(
                stateDict(0, new long[65], new long[65]), "tensor has 65 dimensions; at most 64");
        // The persistent id claims far more elements than the record holds.
        assertMalformed(
                archive(
                        stateDict("0", 1L << 62, 0, new long[] {2}, new long[] {1}),
                        f32(1, 2, 3, 4)),
                "storage record archive/data/0 holds 16 bytes but its persistent id declares"
                        + " 4611686018427387904 elements of F32");
        assertMalformed(
                archive(stateDict("0", 3, 0, new long[] {2}, new long[] {1}), f32(1, 2, 3, 4)),
                "holds 16 bytes but its persistent id declares 3 elements of F32");
    }

    @Test
    void theStackIsBounded() throws IOException {
        PickleBytes p = new PickleBytes().proto(2);
        for (int i = 0; i <= TorchUnpickler.MAX_STACK; i++) {
            p.op('N');
        }
        assertMalformed(p.bytes(), "the stack exceeds 1048576 objects");
    }

    @Test
    void memoIndicesAreChecked() throws IOException {
        assertMalformed(new PickleBytes().proto(2).get(5).bytes(), "memo index 5 is not defined");
        assertMalformed(
                new PickleBytes().proto(2).op('N').raw('r').u32(0xFFFFFFFFL).bytes(),
                "memo index 4294967295 exceeds the limit of 4194304");
        assertMalformed(
                new PickleBytes().proto(2).op('N').put(3).raw('j').u32(0xFFFFFFF0L).bytes(),
                "memo index 4294967280 is not defined");
        assertMalformed(
                new PickleBytes().proto(2).put(0).bytes(), "BINPUT needs an object to memoize");
    }

    @Test
    void stackMisuseIsRefused() throws IOException {
        assertMalformed(new PickleBytes().proto(2).op('R').bytes(), "REDUCE needs 2 object(s)");
        assertMalformed(new PickleBytes().proto(2).op('t').bytes(), "TUPLE without a MARK");
        assertMalformed(
                new PickleBytes().proto(2).op('}').op('(').op('s').bytes(),
                "SETITEM needs 2 object(s)");
        assertMalformed(
                new PickleBytes().proto(2).op('}').op('(').op('N').op('u').bytes(),
                "SETITEMS with an odd number of objects");
        assertMalformed(
                new PickleBytes().proto(2).op(']').op('N').op('s').bytes(), "SETITEM needs a dict");
        assertMalformed(
                new PickleBytes().proto(2).op('}').op(')').op('N').op('s').op('.').bytes(),
                "a dict key is a tuple; only str and int keys");
        assertMalformed(new PickleBytes().proto(2).op('N').bytes(), "the pickle ends without STOP");
        assertMalformed(
                new PickleBytes().proto(2).op('N').op('N').op('.').bytes(), "STOP with 2 objects");
        assertMalformed(
                new PickleBytes().proto(2).op('(').op('N').op('.').bytes(),
                "STOP with 1 unclosed MARK");
        assertMalformed(
                new PickleBytes().proto(2).op('N').op('.').op('N').bytes(), "1 bytes follow STOP");
        assertMalformed(
                new PickleBytes()
                        .proto(2)
                        .op('c')
                        .raw("os\nsys\u0001tem\n".getBytes(StandardCharsets.US_ASCII))
                        .bytes(),
                "a GLOBAL name holds a byte that is not printable ASCII");
        assertMalformed(
                new PickleBytes().proto(2).op('X').u32(2).raw(0xC3, 0x28).op('.').bytes(),
                "a string is not valid UTF-8");
    }

    // ---------------------------------------------------------------- persistent ids and storages

    @Test
    void storageKeysCannotEscapeTheArchive() throws IOException {
        for (String key :
                new String[] {
                    "../../etc/passwd", "..", "/etc/passwd", "a/b", "a\\b", "", ".hidden"
                }) {
            assertMalformed(
                    archive(stateDict(key, 4, 0, new long[] {1}, new long[] {1}), f32(1, 2, 3, 4)),
                    "is not a plain record name");
        }
        assertMalformed(
                archive(stateDict("7", 4, 0, new long[] {1}, new long[] {1}), f32(1, 2, 3, 4)),
                "storage record archive/data/7 is missing");
    }

    @Test
    void persistentIdsAreChecked() throws IOException {
        byte[] notAType =
                new PickleBytes()
                        .proto(2)
                        .op('(')
                        .unicode("storage")
                        .unicode("torch.FloatStorage")
                        .unicode("0")
                        .unicode("cpu")
                        .integer(4)
                        .op('t')
                        .op('Q')
                        .op('.')
                        .bytes();
        assertMalformed(notAType, "persistent id names a str, not a storage type");
        byte[] wrongTag =
                new PickleBytes()
                        .proto(2)
                        .op('(')
                        .unicode("module")
                        .op('t')
                        .op('Q')
                        .op('.')
                        .bytes();
        assertMalformed(wrongTag, "persistent id is not ('storage', type, key, location, numel)");
        byte[] complex =
                new PickleBytes().proto(2).global("torch", "ComplexFloatStorage").op('.').bytes();
        assertMalformed(complex, "storage type torch.ComplexFloatStorage is not supported");

        // One storage key under two dtypes.
        PickleBytes twoTypes = new PickleBytes().proto(2).op('}').op('(').unicode("a");
        tensor(twoTypes, "FloatStorage", "0", 4, 0, new long[] {1}, new long[] {1});
        twoTypes.unicode("b");
        tensor(twoTypes, "IntStorage", "0", 4, 0, new long[] {1}, new long[] {1});
        assertMalformed(
                twoTypes.op('u').op('.').bytes(),
                "storage '0' is declared as 4 x F32 and as 4 x I32");
    }

    @Test
    void onlyFlatStateDictsAreRead() throws IOException {
        PickleBytes nested =
                new PickleBytes().proto(2).op('}').unicode("model").op('}').unicode("w");
        tensor(nested, "FloatStorage", "0", 4, 0, new long[] {1}, new long[] {1});
        assertMalformed(
                nested.op('s').op('s').op('.').bytes(),
                "state dict entry 'model' is a dict, not a tensor; only flat state dicts");
        assertMalformed(
                new PickleBytes().proto(2).op('}').integer(3).integer(4).op('s').op('.').bytes(),
                "state dict key is a int, not a str");
        assertMalformed(
                new PickleBytes().proto(2).op(']').op('.').bytes(),
                "data.pkl holds a list, not a state dict");
    }

    // ---------------------------------------------------------------- the zip container

    @Test
    void brokenArchivesAreRefused() throws IOException {
        Path notZip =
                Files.write(
                        dir.resolve("a.bin"),
                        TorchZipWriter.ascii("this is not a zip archive at all"));
        assertMalformed(notZip, "no zip end of central directory record");
        Path tiny = Files.write(dir.resolve("b.bin"), new byte[] {'P', 'K'});
        assertMalformed(tiny, "file of 2 bytes is too short for a zip archive");
        Path legacy =
                Files.write(
                        dir.resolve("c.bin"), new PickleBytes().proto(2).raw(0x8a, 0x0a).bytes());
        assertMalformed(legacy, "is a legacy torch.save file (PyTorch before 1.6)");

        Map<String, byte[]> noPickle = new LinkedHashMap<>();
        noPickle.put("archive/data/0", f32(1));
        assertMalformed(
                Files.write(dir.resolve("d.bin"), TorchZipWriter.zip(noPickle, false)),
                "zip archive has no <archive>/data.pkl");

        Map<String, byte[]> twoPickles = new LinkedHashMap<>();
        twoPickles.put("a/data.pkl", stateDict(0, new long[] {1}, new long[] {1}));
        twoPickles.put("b/data.pkl", stateDict(0, new long[] {1}, new long[] {1}));
        assertMalformed(
                Files.write(dir.resolve("e.bin"), TorchZipWriter.zip(twoPickles, false)),
                "archive holds more than one data.pkl");

        Map<String, byte[]> badOrder = new LinkedHashMap<>();
        badOrder.put("archive/data.pkl", stateDict(0, new long[] {1}, new long[] {1}));
        badOrder.put("archive/byteorder", TorchZipWriter.ascii("middle"));
        badOrder.put("archive/data/0", f32(1, 2, 3, 4));
        assertMalformed(
                Files.write(dir.resolve("f.bin"), TorchZipWriter.zip(badOrder, false)),
                "record archive/byteorder is neither little nor big");
    }

    @Test
    void duplicateEntryNamesAreRefused() throws IOException {
        // Two entries named alike could let two zip readers see two different storages.
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("archive/data.pkl", stateDict(0, new long[] {1}, new long[] {1}));
        records.put("archive/data/0", f32(1, 2, 3, 4));
        records.put("archive/data/X", f32(6, 6, 6, 6));
        // Rename data/X to data/0 in its local header and central directory entry alike.
        String zip = new String(TorchZipWriter.zip(records, false), StandardCharsets.ISO_8859_1);
        byte[] dup =
                zip.replace("archive/data/X", "archive/data/0")
                        .getBytes(StandardCharsets.ISO_8859_1);
        assertMalformed(
                Files.write(dir.resolve("dup.bin"), dup),
                "two zip entries are named 'archive/data/0'");
    }

    @Test
    void aDeflateBombPickleIsRefusedByItsDeclaredSize() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i <= PytorchCheckpoint.MAX_PICKLE_BYTES >> 20; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        Path bomb = Files.write(dir.resolve("bomb.bin"), bytes.toByteArray());
        assertMalformed(
                bomb, "record archive/data.pkl of 100663296 bytes exceeds the limit of 100000000");
    }
}
