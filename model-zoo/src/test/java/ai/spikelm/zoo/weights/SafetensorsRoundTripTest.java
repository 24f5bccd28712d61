package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.SafetensorsBytes.bytes;
import static ai.spikelm.zoo.weights.SafetensorsBytes.f32;
import static ai.spikelm.zoo.weights.SafetensorsBytes.i64;
import static ai.spikelm.zoo.weights.SafetensorsBytes.tensor;
import static ai.spikelm.zoo.weights.SafetensorsBytes.u16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Write then read: every dtype, scalars, empty tensors, metadata and segmented mapping. */
class SafetensorsRoundTripTest {

    @TempDir Path dir;

    private SafetensorsFile roundTrip(Map<String, HostTensor> tensors, Map<String, String> metadata)
            throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafetensorsWriter.write(file, tensors, metadata);
        return SafetensorsFile.open(file);
    }

    private SafetensorsFile roundTrip(String name, HostTensor t) throws IOException {
        return roundTrip(Map.of(name, t), null);
    }

    @Test
    void f32ValuesAndShapeSurvive() throws IOException {
        float[] values = {0f, -1.5f, 3.25f, Float.MAX_VALUE, Float.MIN_VALUE, Float.NaN};
        try (SafetensorsFile f = roundTrip("w", HostTensor.ofFloats(new long[] {2, 3}, values))) {
            HostTensor t = f.get("w");
            assertEquals(TensorDType.F32, t.dtype());
            assertArrayEquals(new long[] {2, 3}, t.shape());
            assertArrayEquals(values, t.toFloatArray());
        }
    }

    @Test
    void f16WidensToHandComputedValues() throws IOException {
        int[] bits = {0x3C00, 0x7BFF, 0x0001, 0x03FF, 0x7C00, 0xFC00, 0x8000, 0xC000, 0x3555};
        float[] expected = {
            1.0f, // 2^0
            65504f, // largest finite half: (2 - 2^-10) * 2^15
            0x1p-24f, // smallest subnormal
            1023 * 0x1p-24f, // largest subnormal
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            -0.0f,
            -2.0f,
            (1 + 0x155 / 1024f) * 0x1p-2f, // 0.333251953125, the half nearest 1/3
        };
        try (SafetensorsFile f =
                roundTrip("h", tensor(TensorDType.F16, new long[] {bits.length}, u16(bits)))) {
            HostTensor t = f.get("h");
            assertEquals(TensorDType.F16, t.dtype());
            assertArrayEquals(expected, t.toFloatArray());
            assertEquals(
                    Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(t.toFloatArray()[6]));
        }
    }

    @Test
    void bf16WidensToHandComputedValues() throws IOException {
        int[] bits = {0x3F80, 0xC000, 0x7F80, 0xFF80, 0x0001, 0x4049, 0x7F7F};
        float[] expected = {
            1.0f,
            -2.0f,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            0x1p-133f, // subnormal: mantissa bit 16 of an F32
            3.140625f, // 0x40490000
            0x1.FEp127f, // largest finite bfloat16
        };
        try (SafetensorsFile f =
                roundTrip("b", tensor(TensorDType.BF16, new long[] {bits.length}, u16(bits)))) {
            assertArrayEquals(expected, f.get("b").toFloatArray());
        }
    }

    @Test
    void i64KeepsExtremes() throws IOException {
        byte[] raw = i64(Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 42);
        try (SafetensorsFile f =
                roundTrip("ids", tensor(TensorDType.I64, new long[] {3, 2}, raw))) {
            HostTensor t = f.get("ids");
            assertEquals(TensorDType.I64, t.dtype());
            assertArrayEquals(new long[] {3, 2}, t.shape());
            assertArrayEquals(raw, bytes(t));
            assertEquals(Long.MIN_VALUE, t.data().getLong(0));
        }
    }

    @Test
    void everyOtherDtypeKeepsItsBytes() throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        Random random = new Random(7);
        for (TensorDType dtype : TensorDType.values()) {
            byte[] raw = new byte[3 * dtype.byteSize()];
            random.nextBytes(raw);
            tensors.put("t_" + dtype, tensor(dtype, new long[] {3}, raw));
        }
        try (SafetensorsFile f = roundTrip(tensors, null)) {
            assertEquals(tensors.keySet(), f.names().stream().collect(Collectors.toSet()));
            for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
                HostTensor t = f.get(e.getKey());
                assertEquals(e.getValue().dtype(), t.dtype());
                assertArrayEquals(bytes(e.getValue()), bytes(t), e.getKey());
            }
        }
    }

    @Test
    void scalarAndZeroSizeTensors() throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("scalar", HostTensor.ofFloats(new long[0], new float[] {3.5f}));
        tensors.put("empty_f32", HostTensor.ofFloats(new long[] {0, 4}, new float[0]));
        tensors.put("empty_i64", tensor(TensorDType.I64, new long[] {3, 0}, new byte[0]));
        tensors.put("one", tensor(TensorDType.I64, new long[] {1}, i64(9)));
        try (SafetensorsFile f = roundTrip(tensors, null)) {
            HostTensor scalar = f.get("scalar");
            assertArrayEquals(new long[0], scalar.shape());
            assertEquals(1, scalar.numel());
            assertArrayEquals(new float[] {3.5f}, scalar.toFloatArray());

            HostTensor empty = f.get("empty_f32");
            assertArrayEquals(new long[] {0, 4}, empty.shape());
            assertEquals(0, empty.numel());
            assertEquals(0, empty.toFloatArray().length);
            assertEquals(0, f.info("empty_f32").byteSize());

            assertArrayEquals(new long[] {3, 0}, f.get("empty_i64").shape());
            assertEquals(9L, f.get("one").data().getLong(0));
        }
    }

    @Test
    void emptyCheckpointRoundTrips() throws IOException {
        try (SafetensorsFile f = roundTrip(Map.of(), null)) {
            assertTrue(f.names().isEmpty());
            assertTrue(f.metadata().isEmpty());
        }
    }

    @Test
    void metadataRoundTripsAndAbsentMetadataIsEmpty() throws IOException {
        Map<String, HostTensor> one =
                Map.of("x", HostTensor.ofFloats(new long[] {1}, new float[] {1}));
        Map<String, String> meta = Map.of("format", "pt", "note", "ünïcødé \"quoted\" \n line");
        try (SafetensorsFile f = roundTrip(one, meta)) {
            assertEquals(meta, f.metadata());
        }
        try (SafetensorsFile f = roundTrip(one, null)) {
            assertEquals(Map.of(), f.metadata());
        }
    }

    @Test
    void namesComeInDataOrderAndInfoDescribesLayout() throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("b16", tensor(TensorDType.BF16, new long[] {2}, u16(1, 2)));
        tensors.put("z32", HostTensor.ofFloats(new long[] {1}, new float[] {1}));
        tensors.put("a32", HostTensor.ofFloats(new long[] {2}, new float[] {1, 2}));
        try (SafetensorsFile f = roundTrip(tensors, null)) {
            // Descending alignment, then by name.
            assertEquals(List.of("a32", "z32", "b16"), List.copyOf(f.names()));
            TensorInfo info = f.info("z32");
            assertEquals(8, info.begin());
            assertEquals(12, info.end());
            assertEquals(TensorDType.F32, info.dtype());
        }
    }

    @Test
    void segmentedMappingServesEveryTensor() throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        Random random = new Random(11);
        for (int i = 0; i < 40; i++) {
            float[] v = new float[random.nextInt(30)];
            for (int j = 0; j < v.length; j++) {
                v[j] = random.nextFloat();
            }
            tensors.put(String.format("t%02d", i), HostTensor.ofFloats(new long[] {v.length}, v));
        }
        Path file = dir.resolve("seg.safetensors");
        SafetensorsWriter.write(file, tensors);
        // A 64-byte limit forces many segments and tensors larger than one segment.
        try (SafetensorsFile small = SafetensorsFile.open(file, 64);
                SafetensorsFile whole = SafetensorsFile.open(file)) {
            assertTrue(small.segmentCount() > 10, "segments: " + small.segmentCount());
            assertEquals(1, whole.segmentCount());
            for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
                assertArrayEquals(bytes(e.getValue()), bytes(small.get(e.getKey())), e.getKey());
                assertArrayEquals(bytes(e.getValue()), bytes(whole.get(e.getKey())), e.getKey());
            }
        }
    }

    @Test
    void tensorsAreReadOnlyViewsThatOutliveClose() throws IOException {
        HostTensor t;
        SafetensorsFile f = roundTrip("w", HostTensor.ofFloats(new long[] {2}, new float[] {1, 2}));
        t = f.get("w");
        f.close();
        assertTrue(t.data().isReadOnly());
        assertArrayEquals(new float[] {1, 2}, t.toFloatArray());
        assertThrows(IllegalStateException.class, () -> f.get("w"));
        // The header stays readable after close.
        assertEquals(TensorDType.F32, f.info("w").dtype());
    }

    @Test
    void unknownNameIsNoSuchElement() throws IOException {
        try (SafetensorsFile f =
                roundTrip("w", HostTensor.ofFloats(new long[] {1}, new float[] {1}))) {
            assertFalse(f.contains("nope"));
            assertThrows(NoSuchElementException.class, () -> f.get("nope"));
            assertThrows(NoSuchElementException.class, () -> f.info("nope"));
        }
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(
                file, Map.of("a", HostTensor.ofFloats(new long[] {1}, new float[] {1})));
        SafetensorsWriter.write(
                file, Map.of("b", HostTensor.ofFloats(new long[] {1}, new float[] {2})));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.collect(Collectors.toList()));
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of("b"), List.copyOf(f.names()));
        }
    }

    @Test
    void writerRefusesTheReservedName() {
        Map<String, HostTensor> bad =
                Map.of("__metadata__", HostTensor.ofFloats(new long[] {1}, new float[] {1}));
        assertThrows(
                IllegalArgumentException.class,
                () -> SafetensorsWriter.write(dir.resolve("x.safetensors"), bad));
        assertTrue(dir.toFile().list().length == 0, "nothing left behind");
    }

    @Test
    void writerReadsFromAMappedTensorWithoutDisturbingIt() throws IOException {
        ByteBuffer direct = ByteBuffer.allocateDirect(8).order(ByteOrder.LITTLE_ENDIAN);
        direct.putFloat(1f).putFloat(2f).flip();
        HostTensor t = new HostTensor(TensorDType.F32, new long[] {2}, direct);
        try (SafetensorsFile f = roundTrip("d", t)) {
            HostTensor copy = f.get("d");
            Path again = dir.resolve("again.safetensors");
            SafetensorsWriter.write(again, Map.of("d", copy));
            assertArrayEquals(
                    Files.readAllBytes(dir.resolve("t.safetensors")), Files.readAllBytes(again));
            assertArrayEquals(new float[] {1, 2}, copy.toFloatArray());
        }
        assertArrayEquals(f32(1, 2), bytes(t));
    }
}
