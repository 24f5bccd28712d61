package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.SafetensorsBytes.bytes;
import static ai.spikelm.zoo.weights.SafetensorsBytes.concat;
import static ai.spikelm.zoo.weights.SafetensorsBytes.f32;
import static ai.spikelm.zoo.weights.SafetensorsBytes.i64;
import static ai.spikelm.zoo.weights.SafetensorsBytes.u16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Reading what torch.save writes: every dtype, shared storages, strides and format variants. */
class PytorchCheckpointTest {

    @TempDir Path dir;

    private static byte[] f64(double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    private static byte[] i32(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    private static byte[] i8(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** One tensor of every dtype, with values that catch byte order and sign mistakes. */
    static TorchZipWriter everyDtype() {
        return new TorchZipWriter()
                .tensor("f32", TensorDType.F32, new long[] {2, 2}, f32(1.5f, -2f, 3.25f, 4e-3f))
                .tensor("f16", TensorDType.F16, new long[] {3}, u16(0x3C00, 0xC000, 0x7BFF))
                .tensor("bf16", TensorDType.BF16, new long[] {3}, u16(0x3F80, 0xC040, 0x7F80))
                .tensor("f64", TensorDType.F64, new long[] {2}, f64(Math.PI, -1e300))
                .tensor(
                        "i64",
                        TensorDType.I64,
                        new long[] {4},
                        i64(1, -1, Long.MAX_VALUE, Long.MIN_VALUE))
                .tensor("i32", TensorDType.I32, new long[] {2}, i32(-7, Integer.MAX_VALUE))
                .tensor("i16", TensorDType.I16, new long[] {2}, u16(0x8000, 0x7FFF))
                .tensor("i8", TensorDType.I8, new long[] {2}, i8(-128, 127))
                .tensor("u8", TensorDType.U8, new long[] {2}, i8(0, 255))
                .tensor("bool", TensorDType.BOOL, new long[] {2}, i8(1, 0));
    }

    private PytorchCheckpoint open(TorchZipWriter writer) throws IOException {
        return PytorchCheckpoint.open(writer.write(dir.resolve("pytorch_model.bin")));
    }

    private static void assertEveryDtype(CheckpointReader r) {
        assertEquals(
                List.of("f32", "f16", "bf16", "f64", "i64", "i32", "i16", "i8", "u8", "bool"),
                List.copyOf(r.names()));
        HostTensor f32 = r.get("f32");
        assertEquals(TensorDType.F32, f32.dtype());
        assertArrayEquals(new long[] {2, 2}, f32.shape());
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 4e-3f}, f32.toFloatArray());
        assertArrayEquals(new float[] {1f, -2f, 65504f}, r.get("f16").toFloatArray());
        assertArrayEquals(
                new float[] {1f, -3f, Float.POSITIVE_INFINITY}, r.get("bf16").toFloatArray());
        assertArrayEquals(f64(Math.PI, -1e300), bytes(r.get("f64")));
        HostTensor i64 = r.get("i64");
        assertEquals(TensorDType.I64, i64.dtype());
        assertArrayEquals(i64(1, -1, Long.MAX_VALUE, Long.MIN_VALUE), bytes(i64));
        assertArrayEquals(i32(-7, Integer.MAX_VALUE), bytes(r.get("i32")));
        assertArrayEquals(u16(0x8000, 0x7FFF), bytes(r.get("i16")));
        assertArrayEquals(i8(-128, 127), bytes(r.get("i8")));
        assertArrayEquals(i8(0, 255), bytes(r.get("u8")));
        assertEquals(TensorDType.BOOL, r.get("bool").dtype());
        assertArrayEquals(i8(1, 0), bytes(r.get("bool")));
    }

    @Test
    void readsEveryDtypeWithExactValues() throws IOException {
        try (PytorchCheckpoint r = open(everyDtype())) {
            assertEveryDtype(r);
            // Contiguous tensors are views of the mapped file, not copies.
            assertTrue(r.get("f32").data().isDirect());
            assertEquals(Map.of(), r.metadata());
            assertEquals(
                    new TensorInfo("f16", TensorDType.F16, new long[] {3}, 0, 6), r.info("f16"));
        }
    }

    @Test
    void tensorsSharingOneStorageAtOffsets() throws IOException {
        TorchZipWriter.Storage s =
                TorchZipWriter.storage(TensorDType.F32, f32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        TorchZipWriter w =
                new TorchZipWriter()
                        .view("head", s, 0, new long[] {4}, new long[] {1})
                        .view("body", s, 4, new long[] {2, 3}, new long[] {3, 1})
                        .view("last", s, 9, new long[0], new long[0]);
        // One storage record for three tensors, as torch writes tied or sliced weights.
        assertEquals(1, w.records().keySet().stream().filter(k -> k.contains("/data/")).count());
        try (PytorchCheckpoint r = open(w)) {
            assertArrayEquals(new float[] {0, 1, 2, 3}, r.get("head").toFloatArray());
            assertArrayEquals(new long[] {2, 3}, r.get("body").shape());
            assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9}, r.get("body").toFloatArray());
            assertArrayEquals(new long[0], r.get("last").shape());
            assertArrayEquals(new float[] {9}, r.get("last").toFloatArray());
            assertEquals(16, r.info("body").begin());
            assertEquals(40, r.info("body").end());
        }
    }

    @Test
    void stridedViewsAreCopiedToRowMajor() throws IOException {
        TorchZipWriter.Storage s = TorchZipWriter.storage(TensorDType.F32, f32(0, 1, 2, 3, 4, 5));
        TorchZipWriter w =
                new TorchZipWriter()
                        .view("matrix", s, 0, new long[] {2, 3}, new long[] {3, 1})
                        .view("transposed", s, 0, new long[] {3, 2}, new long[] {1, 3})
                        .view("column", s, 1, new long[] {2}, new long[] {3})
                        .view("size1dims", s, 2, new long[] {1, 2, 1}, new long[] {99, 1, 7});
        try (PytorchCheckpoint r = open(w)) {
            HostTensor t = r.get("transposed");
            assertArrayEquals(new long[] {3, 2}, t.shape());
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray());
            assertFalse(t.data().isDirect());
            assertArrayEquals(new float[] {1, 4}, r.get("column").toFloatArray());
            // The span a strided tensor covers in its storage: elements 1 to 4.
            assertEquals(4, r.info("column").begin());
            assertEquals(20, r.info("column").end());
            // Strides of size-1 dimensions are irrelevant: still a zero-copy view.
            HostTensor odd = r.get("size1dims");
            assertArrayEquals(new float[] {2, 3}, odd.toFloatArray());
            assertTrue(odd.data().isDirect());
        }
    }

    @Test
    void scalarsAndEmptyTensors() throws IOException {
        TorchZipWriter w =
                new TorchZipWriter()
                        .tensor("scalar", TensorDType.I64, new long[0], i64(42))
                        .tensor("empty", TensorDType.F32, new long[] {0}, new byte[0])
                        .tensor("empty2d", TensorDType.F16, new long[] {2, 0}, new byte[0]);
        try (PytorchCheckpoint r = open(w)) {
            assertEquals(42L, r.get("scalar").data().getLong(0));
            assertEquals(0, r.get("empty").numel());
            assertArrayEquals(new long[] {2, 0}, r.get("empty2d").shape());
            assertEquals(0, r.get("empty2d").byteSize());
        }
    }

    @Test
    void formatVariantsReadTheSame() throws IOException {
        List<TorchZipWriter> variants = new ArrayList<>();
        variants.add(everyDtype().protocol(4));
        variants.add(everyDtype().protocol(5));
        variants.add(everyDtype().parameters(true));
        variants.add(everyDtype().moduleMetadata(false));
        variants.add(everyDtype().byteorder(null));
        variants.add(everyDtype().zip64(true));
        variants.add(everyDtype().archive("pytorch_model"));
        for (TorchZipWriter w : variants) {
            try (PytorchCheckpoint r = open(w)) {
                assertEveryDtype(r);
            }
        }
    }

    @Test
    void bigEndianArchivesAreSwappedOnRead() throws IOException {
        try (PytorchCheckpoint r = open(everyDtype().byteorder("big"))) {
            assertEveryDtype(r);
        }
        TorchZipWriter.Storage s = TorchZipWriter.storage(TensorDType.I32, i32(0, 1, 2, 3, 4, 5));
        TorchZipWriter strided =
                new TorchZipWriter()
                        .byteorder("big")
                        .view("t", s, 0, new long[] {3, 2}, new long[] {1, 3});
        try (PytorchCheckpoint r = open(strided)) {
            assertArrayEquals(i32(0, 3, 1, 4, 2, 5), bytes(r.get("t")));
        }
    }

    @Test
    void moreThanOneSetitemsBatchAndLongMemoIndices() throws IOException {
        TorchZipWriter w = new TorchZipWriter();
        for (int i = 0; i < 1500; i++) {
            w.tensor("layer." + i, TensorDType.I64, new long[] {1}, i64(i));
        }
        try (PytorchCheckpoint r = open(w)) {
            assertEquals(1500, r.names().size());
            assertEquals("layer.1499", List.copyOf(r.names()).get(1499));
            assertEquals(1234L, r.get("layer.1234").data().getLong(0));
        }
    }

    @Test
    void accessorsAndClose() throws IOException {
        PytorchCheckpoint r = open(everyDtype());
        assertTrue(r.contains("f32"));
        assertFalse(r.contains("nope"));
        assertThrows(NoSuchElementException.class, () -> r.get("nope"));
        assertThrows(NoSuchElementException.class, () -> r.info("nope"));
        HostTensor before = r.get("f32");
        assertTrue(r.toString().contains("10 tensors"), r.toString());
        r.close();
        assertThrows(IllegalStateException.class, () -> r.get("f32"));
        // Tensors returned before closing stay readable.
        assertEquals(1.5f, before.toFloatArray()[0]);
        assertEquals(10, r.names().size());
    }

    /** Re-zips records with java.util.zip, compressing those named. */
    private static byte[] rezip(Map<String, byte[]> records, String compressedSuffix)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> r : records.entrySet()) {
                ZipEntry e = new ZipEntry(r.getKey());
                if (!r.getKey().endsWith(compressedSuffix)) {
                    CRC32 crc = new CRC32();
                    crc.update(r.getValue());
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(r.getValue().length);
                    e.setCrc(crc.getValue());
                }
                zip.putNextEntry(e);
                zip.write(r.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void aCompressedPickleIsReadButCompressedStoragesAreRefused() throws IOException {
        Map<String, byte[]> records = everyDtype().records();
        Path ok = Files.write(dir.resolve("ok.bin"), rezip(records, "data.pkl"));
        try (PytorchCheckpoint r = PytorchCheckpoint.open(ok)) {
            assertEveryDtype(r);
        }
        Path bad = Files.write(dir.resolve("bad.bin"), rezip(records, "/data/3"));
        MalformedCheckpointException e =
                assertThrows(MalformedCheckpointException.class, () -> PytorchCheckpoint.open(bad));
        assertTrue(
                e.problem().contains("storage record archive/data/3 is compressed"),
                e.getMessage());
    }

    @Test
    void zipPaddingIsHonoured() throws IOException {
        // Records start 64-byte aligned, behind "FB" extra fields the central directory lacks.
        byte[] zip = everyDtype().toBytes();
        byte[] f32 = f32(1.5f, -2f, 3.25f, 4e-3f);
        int at = indexOf(zip, f32);
        assertEquals(0, at % 64);
        assertTrue(indexOf(zip, concat(new byte[] {'F', 'B'})) > 0);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
