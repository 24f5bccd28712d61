package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.SafetensorsBytes.f32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.spikelm.zoo.weights.PickleValues.PyDict;
import ai.spikelm.zoo.weights.PickleValues.PyList;
import ai.spikelm.zoo.weights.PickleValues.PyNone;
import ai.spikelm.zoo.weights.PickleValues.PyTuple;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The less common ways a tensor or a value can be pickled, which the test writer does not emit:
 * parameters with state, tensors with Python attributes, the older rebuild function, untyped
 * storages, and every scalar opcode.
 */
class TorchPickleVariantsTest {

    @TempDir Path dir;

    /** The argument tuple (storage '0' of 4 floats, offset 1, size (2,), stride (1,)). */
    private static void coreArgs(PickleBytes p) {
        p.op('(').unicode("storage").global("torch", "FloatStorage").unicode("0");
        p.unicode("cpu").integer(4).op('t').op('Q');
        p.integer(1).integer(2).op(0x85).integer(1).op(0x85);
    }

    private static void orderedDict(PickleBytes p) {
        p.global("collections", "OrderedDict").op(')').op('R');
    }

    /** {@code _rebuild_tensor_v2(storage, 1, (2,), (1,), False, OrderedDict())}. */
    private static void tensorV2(PickleBytes p) {
        p.global("torch._utils", "_rebuild_tensor_v2").op('(');
        coreArgs(p);
        p.op(0x89);
        orderedDict(p);
        p.op('t').op('R');
    }

    /** Reads {@code {'w': <value>}} over the storage [1, 2, 3, 4] and returns w. */
    private float[] readW(Consumer<PickleBytes> value) throws IOException {
        PickleBytes p = new PickleBytes().proto(2).op('}').unicode("w");
        value.accept(p);
        byte[] pickle = p.op('s').op('.').bytes();
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("archive/data.pkl", pickle);
        records.put("archive/data/0", f32(1, 2, 3, 4));
        Path file = Files.write(dir.resolve("v.bin"), TorchZipWriter.zip(records, false));
        try (PytorchCheckpoint r = PytorchCheckpoint.open(file)) {
            return r.get("w").toFloatArray();
        }
    }

    @Test
    void rebuildTensorVersionOne() throws IOException {
        float[] w =
                readW(
                        p -> {
                            p.global("torch._utils", "_rebuild_tensor").op('(');
                            coreArgs(p);
                            p.op('t').op('R');
                        });
        assertArrayEquals(new float[] {2, 3}, w);
    }

    @Test
    void rebuildTensorV2WithMetadata() throws IOException {
        Consumer<PickleBytes> withDict =
                p -> {
                    p.global("torch._utils", "_rebuild_tensor_v2").op('(');
                    coreArgs(p);
                    p.op(0x89);
                    orderedDict(p);
                    p.op('}').op('t').op('R');
                };
        assertArrayEquals(new float[] {2, 3}, readW(withDict));
        Consumer<PickleBytes> withNone =
                p -> {
                    p.global("torch._utils", "_rebuild_tensor_v2").op('(');
                    coreArgs(p);
                    p.op(0x88);
                    orderedDict(p);
                    p.op('N').op('t').op('R');
                };
        assertArrayEquals(new float[] {2, 3}, readW(withNone));
    }

    @Test
    void parametersWithAndWithoutState() throws IOException {
        float[] plain =
                readW(
                        p -> {
                            p.global("torch._utils", "_rebuild_parameter");
                            tensorV2(p);
                            p.op(0x88);
                            orderedDict(p);
                            p.op(0x87).op('R');
                        });
        assertArrayEquals(new float[] {2, 3}, plain);
        float[] withState =
                readW(
                        p -> {
                            p.global("torch._utils", "_rebuild_parameter_with_state").op('(');
                            tensorV2(p);
                            p.op(0x88);
                            orderedDict(p);
                            p.op('}').unicode("note").unicode("tied").op('s');
                            p.op('t').op('R');
                        });
        assertArrayEquals(new float[] {2, 3}, withState);
    }

    @Test
    void tensorsWithPythonAttributes() throws IOException {
        // _rebuild_from_type_v2(_rebuild_tensor_v2, torch.Tensor, args, {'attr': 1}).
        float[] tensor =
                readW(
                        p -> {
                            p.global("torch._tensor", "_rebuild_from_type_v2").op('(');
                            p.global("torch._utils", "_rebuild_tensor_v2");
                            p.global("torch._tensor", "Tensor");
                            p.op('(');
                            coreArgs(p);
                            p.op(0x89);
                            orderedDict(p);
                            p.op('t');
                            p.op('}').unicode("attr").integer(1).op('s');
                            p.op('t').op('R');
                        });
        assertArrayEquals(new float[] {2, 3}, tensor);
        // The same for a Parameter, and a BUILD of attributes on the tensor afterwards.
        float[] parameter =
                readW(
                        p -> {
                            p.global("torch._tensor", "_rebuild_from_type_v2").op('(');
                            p.global("torch._utils", "_rebuild_parameter");
                            p.global("torch.nn.parameter", "Parameter");
                            tensorV2(p);
                            p.op(0x88);
                            orderedDict(p);
                            p.op(0x87);
                            p.op('N').op('t').op('R');
                            p.op('}').op('b');
                        });
        assertArrayEquals(new float[] {2, 3}, parameter);
    }

    @Test
    void untypedStoragesAreBytes() throws IOException {
        byte[] pickle =
                new PickleBytes()
                        .proto(2)
                        .op('}')
                        .unicode("raw")
                        .global("torch._utils", "_rebuild_tensor_v2")
                        .op('(')
                        .op('(')
                        .unicode("storage")
                        .global("torch.storage", "UntypedStorage")
                        .unicode("0")
                        .unicode("cpu")
                        .integer(3)
                        .op('t')
                        .op('Q')
                        .integer(0)
                        .integer(3)
                        .op(0x85)
                        .integer(1)
                        .op(0x85)
                        .op(0x89)
                        .global("collections", "OrderedDict")
                        .op(')')
                        .op('R')
                        .op('t')
                        .op('R')
                        .op('s')
                        .op('.')
                        .bytes();
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("archive/data.pkl", pickle);
        records.put("archive/data/0", new byte[] {7, 8, 9});
        Path file = Files.write(dir.resolve("u.bin"), TorchZipWriter.zip(records, false));
        try (PytorchCheckpoint r = PytorchCheckpoint.open(file)) {
            assertEquals(TensorDType.U8, r.get("raw").dtype());
            assertEquals(9, r.get("raw").data().get(2));
        }
    }

    @Test
    void everyScalarAndContainerOpcode() throws MalformedCheckpointException {
        byte[] pickle =
                new PickleBytes()
                        .proto(4)
                        .op(PickleOpcodes.FRAME)
                        .u64(0) // a frame length is only checked, not used
                        .op(']')
                        .op(PickleOpcodes.MEMOIZE)
                        .op('(')
                        .raw(0x8a, 0) // LONG1, no bytes: 0
                        .raw(0x8a, 1, 0xFF) // -1
                        .raw(0x8a, 5, 0, 0, 0, 0, 1) // 2^32
                        .raw(0x8a, 8, 0, 0, 0, 0, 0, 0, 0, 0x80) // Long.MIN_VALUE
                        .op('J')
                        .u32(-5) // BININT -5
                        .raw('M', 0xFF, 0xFF) // BININT2 65535
                        .raw('G', 0x3F, 0xF8, 0, 0, 0, 0, 0, 0) // BINFLOAT 1.5, big-endian
                        .op(0x88)
                        .op(0x89)
                        .op('N')
                        .shortUnicode("short")
                        .op(0x8d)
                        .u64(3)
                        .raw('l', 'o', 'n') // BINUNICODE8 "lon"
                        .op(0x86) // TUPLE2 ("short", "lon")
                        .op('}')
                        .op('(')
                        .integer(1)
                        .unicode("one")
                        .op('N')
                        .unicode("none")
                        .op('u')
                        .op('e') // APPENDS onto the list
                        .get(0) // the list again, from the memo
                        .op(0x86) // TUPLE2 (list, list)
                        .op('.')
                        .bytes();
        Object o = TorchUnpickler.load(dir.resolve("x"), "data.pkl", pickle);
        PyTuple outer = assertInstanceOf(PyTuple.class, o);
        PyList list = assertInstanceOf(PyList.class, outer.get(0));
        assertSame(list, outer.get(1));
        List<Object> items = list.items;
        assertEquals(
                List.of(0L, -1L, 1L << 32, Long.MIN_VALUE, -5L, 65535L, 1.5), items.subList(0, 7));
        assertEquals(Boolean.TRUE, items.get(7));
        assertEquals(Boolean.FALSE, items.get(8));
        assertSame(PyNone.NONE, items.get(9));
        PyTuple pair = assertInstanceOf(PyTuple.class, items.get(10));
        assertEquals("short", pair.get(0));
        assertEquals("lon", pair.get(1));
        PyDict dict = assertInstanceOf(PyDict.class, items.get(11));
        assertEquals("one", dict.items.get(1L));
        assertEquals("none", dict.items.get(PyNone.NONE));
    }
}
