package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.SafetensorsBytes.f32;
import static ai.spikelm.zoo.weights.SafetensorsBytes.i64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pickles published as {@code pickletools} disassemblies of real {@code torch.save} output,
 * re-assembled byte by byte from those listings (the offsets in the comments are the listings').
 */
class RealTorchBytesTest {

    @TempDir Path dir;

    /**
     * {@code torch.save(torch.tensor([1, ..., 10], dtype=torch.long), "tensor.pt")} with PyTorch
     * 2.8: the {@code tensor/data.pkl} of 149 bytes, as disassembled in a published slide deck.
     */
    static byte[] longTensorPickle() {
        return new PickleBytes()
                .proto(2) //                                               0: PROTO 2
                .global("torch._utils", "_rebuild_tensor_v2") //           2: GLOBAL
                .put(0) //                                                35: BINPUT 0
                .op('(') //                                               37: MARK
                .op('(') //                                               38: MARK
                .unicode("storage") //                                    39: BINUNICODE
                .put(1) //                                                51: BINPUT 1
                .global("torch", "LongStorage") //                        53: GLOBAL
                .put(2) //                                                72: BINPUT 2
                .unicode("0") //                                          74: BINUNICODE
                .put(3) //                                                80: BINPUT 3
                .unicode("cpu") //                                        82: BINUNICODE
                .put(4) //                                                90: BINPUT 4
                .integer(10) //                                           92: BININT1 10
                .op('t') //                                               94: TUPLE
                .put(5) //                                                95: BINPUT 5
                .op('Q') //                                               97: BINPERSID
                .integer(0) //                                            98: BININT1 0
                .integer(10) //                                          100: BININT1 10
                .op(0x85) //                                             102: TUPLE1
                .put(6) //                                               103: BINPUT 6
                .integer(1) //                                           105: BININT1 1
                .op(0x85) //                                             107: TUPLE1
                .put(7) //                                               108: BINPUT 7
                .op(0x89) //                                             110: NEWFALSE
                .global("collections", "OrderedDict") //                 111: GLOBAL
                .put(8) //                                               136: BINPUT 8
                .op(')') //                                              138: EMPTY_TUPLE
                .op('R') //                                              139: REDUCE
                .put(9) //                                               140: BINPUT 9
                .op('t') //                                              142: TUPLE
                .put(10) //                                              143: BINPUT 10
                .op('R') //                                              145: REDUCE
                .put(11) //                                              146: BINPUT 11
                .op('.') //                                              148: STOP
                .bytes();
    }

    @Test
    void reassembledBytesMatchTheListingOffsets() {
        byte[] b = longTensorPickle();
        assertEquals(149, b.length);
        assertEquals('Q', b[97]);
        assertEquals('c', b[111]);
        assertEquals('R', b[145]);
        assertEquals('.', b[148]);
    }

    @Test
    void theTestWriterEmitsTheSameBytesAsPytorch() {
        // Our torch.save emulation, asked for the same tensor, must agree byte for byte.
        byte[] ours =
                new TorchZipWriter()
                        .tensor(
                                "unused",
                                TensorDType.I64,
                                new long[] {10},
                                i64(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
                        .bareTensorPickle();
        assertArrayEquals(longTensorPickle(), ours);
    }

    @Test
    void theVirtualMachineRebuildsTheTensor() throws MalformedCheckpointException {
        Object o =
                TorchUnpickler.load(
                        dir.resolve("tensor.pt"), "tensor/data.pkl", longTensorPickle());
        TensorRef t = assertInstanceOf(TensorRef.class, o);
        assertEquals("0", t.storage().key());
        assertEquals(TensorDType.I64, t.storage().dtype());
        assertEquals("torch.LongStorage", t.storage().typeName());
        assertEquals("cpu", t.storage().location());
        assertEquals(10, t.storage().numel());
        assertEquals(0, t.offset());
        assertArrayEquals(new long[] {10}, t.shape());
        assertArrayEquals(new long[] {1}, t.stride());
        assertTrue(t.contiguous());
    }

    @Test
    void aBareTensorArchiveIsNotAStateDict() throws IOException {
        // The slide's unzip listing: the records of tensor.pt, in order.
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("tensor/data.pkl", longTensorPickle());
        records.put("tensor/.format_version", TorchZipWriter.ascii("1"));
        records.put("tensor/.storage_alignment", TorchZipWriter.ascii("64"));
        records.put("tensor/byteorder", TorchZipWriter.ascii("little"));
        records.put("tensor/data/0", i64(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
        records.put("tensor/version", TorchZipWriter.ascii("3\n"));
        records.put("tensor/.data/serialization_id", TorchZipWriter.ascii("0123456789"));
        Path file = Files.write(dir.resolve("tensor.pt"), TorchZipWriter.zip(records, false));
        MalformedCheckpointException e =
                assertThrows(
                        MalformedCheckpointException.class, () -> PytorchCheckpoint.open(file));
        assertTrue(
                e.problem().contains("data.pkl holds a tensor, not a state dict"), e.getMessage());
    }

    /**
     * A plain-dict state dict ({@code EMPTY_DICT}, not {@code OrderedDict}) as in the published
     * listing of a Stable Diffusion checkpoint's {@code 'state_dict'}, reduced to its first tensor
     * {@code 'betas'} (1000 floats in storage '0').
     */
    static byte[] plainDictPickle() {
        return new PickleBytes()
                .proto(2)
                .op('}') //                                    104: EMPTY_DICT
                .put(0)
                .op('(') //                                    107: MARK
                .unicode("betas") //                           108: BINUNICODE 'betas'
                .put(1)
                .global("torch._utils", "_rebuild_tensor_v2") // 120: GLOBAL
                .put(2)
                .op('(') //                                    155: MARK
                .op('(') //                                    156: MARK
                .unicode("storage") //                         157: BINUNICODE 'storage'
                .put(3)
                .global("torch", "FloatStorage") //            171: GLOBAL
                .put(4)
                .unicode("0") //                               193: BINUNICODE '0'
                .put(5)
                .unicode("cpu") //                             201: BINUNICODE 'cpu'
                .put(6)
                .integer(1000) //                              211: BININT2 1000
                .op('t') //                                    214: TUPLE
                .put(7)
                .op('Q') //                                    217: BINPERSID
                .integer(0) //                                 218: BININT1 0
                .integer(1000) //                              220: BININT2 1000
                .op(0x85)
                .put(8)
                .integer(1)
                .op(0x85)
                .put(9)
                .op(0x89)
                .global("collections", "OrderedDict")
                .put(10)
                .op(')')
                .op('R')
                .put(11)
                .op('t')
                .put(12)
                .op('R')
                .put(13)
                .op('u') // SETITEMS (one item after a MARK, as in the listing)
                .op('.')
                .bytes();
    }

    @Test
    void aPlainDictStateDictIsRead() throws IOException {
        float[] betas = new float[1000];
        for (int i = 0; i < betas.length; i++) {
            betas[i] = i * 0.001f;
        }
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("archive/data.pkl", plainDictPickle());
        records.put("archive/data/0", f32(betas));
        records.put("archive/version", TorchZipWriter.ascii("3\n"));
        Path file = Files.write(dir.resolve("sd.ckpt"), TorchZipWriter.zip(records, false));
        try (PytorchCheckpoint r = PytorchCheckpoint.open(file)) {
            assertEquals(List.of("betas"), List.copyOf(r.names()));
            assertArrayEquals(betas, r.get("betas").toFloatArray());
        }
    }
}
