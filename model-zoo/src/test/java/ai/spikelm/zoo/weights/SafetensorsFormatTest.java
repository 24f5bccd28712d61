package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.SafetensorsBytes.bytes;
import static ai.spikelm.zoo.weights.SafetensorsBytes.concat;
import static ai.spikelm.zoo.weights.SafetensorsBytes.f32;
import static ai.spikelm.zoo.weights.SafetensorsBytes.file;
import static ai.spikelm.zoo.weights.SafetensorsBytes.tensor;
import static ai.spikelm.zoo.weights.SafetensorsBytes.u16;
import static ai.spikelm.zoo.weights.SafetensorsBytes.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks reader and writer against files laid out by hand as the format and the Python library lay
 * them out, so that neither is checked only against the other.
 */
class SafetensorsFormatTest {

    @TempDir Path dir;

    /** The writer's output for these tensors must equal these bytes exactly. */
    private void assertWrites(
            byte[] expected, Map<String, HostTensor> tensors, Map<String, String> metadata)
            throws IOException {
        Path out = dir.resolve("written.safetensors");
        SafetensorsWriter.write(out, tensors, metadata);
        byte[] actual = Files.readAllBytes(out);
        assertEquals(
                new String(expected, StandardCharsets.ISO_8859_1),
                new String(actual, StandardCharsets.ISO_8859_1));
        assertArrayEquals(expected, actual);
    }

    @Test
    void handBuiltFileReadsAndWritesByteForByte() throws IOException {
        // Metadata first, then tensors by descending alignment; header padded with spaces to 8.
        String header =
                "{\"__metadata__\":{\"format\":\"pt\"},"
                        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}";
        assertEquals(140, header.length());
        byte[] data = concat(f32(1.5f, -2f), u16(0x3F80, 0xC000));
        byte[] expected = file(header, data);
        assertEquals(8 + 144 + 12, expected.length); // 4 spaces of padding
        assertEquals(' ', expected[8 + 143]);

        try (SafetensorsFile f =
                SafetensorsFile.open(write(dir.resolve("hand.safetensors"), expected))) {
            assertEquals(List.of("w", "b"), List.copyOf(f.names()));
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertArrayEquals(new float[] {1.5f, -2f}, f.get("w").toFloatArray());
            assertArrayEquals(new float[] {1f, -2f}, f.get("b").toFloatArray());
            assertArrayEquals(new long[] {2}, f.get("b").shape());
        }

        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("b", tensor(TensorDType.BF16, new long[] {2}, u16(0x3F80, 0xC000)));
        tensors.put("w", HostTensor.ofFloats(new long[] {2}, new float[] {1.5f, -2f}));
        assertWrites(expected, tensors, Map.of("format", "pt"));
    }

    @Test
    void headerOfAMultipleOfEightNeedsNoPadding() throws IOException {
        // This header is 64 bytes, a multiple of 8, so the data follow it directly.
        String header =
                "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        assertEquals(64, header.getBytes(StandardCharsets.UTF_8).length);
        byte[] expected = file(header, f32(0, 1, 2, 3, 4, 5));
        assertEquals(64, expected[0]);
        assertEquals('{', expected[8]);
        assertEquals(0, expected[8 + 64]); // first data byte

        assertWrites(
                expected,
                Map.of(
                        "attn.0",
                        HostTensor.ofFloats(new long[] {1, 2, 3}, new float[] {0, 1, 2, 3, 4, 5})),
                null);
        try (SafetensorsFile f =
                SafetensorsFile.open(write(dir.resolve("a.safetensors"), expected))) {
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, f.get("attn.0").toFloatArray());
        }
    }

    @Test
    void emptyFilesMatchTheFormat() throws IOException {
        byte[] empty = {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '};
        assertWrites(empty, Map.of(), null);

        String meta = "{\"__metadata__\":{\"framework\":\"pt\"}}";
        byte[] metaOnly = file(meta, new byte[0]);
        assertEquals(8 + 40, metaOnly.length);
        assertWrites(metaOnly, Map.of(), Map.of("framework", "pt"));

        try (SafetensorsFile f =
                SafetensorsFile.open(write(dir.resolve("e.safetensors"), metaOnly))) {
            assertEquals(Map.of("framework", "pt"), f.metadata());
            assertEquals(0, f.names().size());
        }
    }

    @Test
    void writerOrdersByDescendingAlignmentThenName() throws IOException {
        // The Python library's order: I64, F64, F32, I32, BF16, F16, I16, I8, U8, BOOL.
        String[][] layout = {
            {"j", "I64", "8"}, {"i", "F64", "8"}, {"ff", "F32", "4"}, {"h", "F32", "4"},
            {"g", "I32", "4"}, {"f", "BF16", "2"}, {"e", "F16", "2"}, {"d", "I16", "2"},
            {"c", "I8", "1"}, {"b", "U8", "1"}, {"a", "BOOL", "1"},
        };
        StringBuilder header = new StringBuilder("{");
        byte[] data = new byte[0];
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        int offset = 0;
        for (int k = 0; k < layout.length; k++) {
            String name = layout[k][0];
            int size = Integer.parseInt(layout[k][2]);
            header.append(k == 0 ? "" : ",")
                    .append('"')
                    .append(name)
                    .append("\":{\"dtype\":\"")
                    .append(layout[k][1])
                    .append("\",\"shape\":[1],\"data_offsets\":[")
                    .append(offset)
                    .append(',')
                    .append(offset + size)
                    .append("]}");
            offset += size;
            byte[] raw = new byte[size];
            Arrays.fill(raw, (byte) (k + 1));
            data = concat(data, raw);
            tensors.put(name, tensor(TensorDType.valueOf(layout[k][1]), new long[] {1}, raw));
        }
        header.append('}');
        // Insert in reverse so that the writer, not the map, decides the order.
        Map<String, HostTensor> reversed = new LinkedHashMap<>();
        for (int k = layout.length - 1; k >= 0; k--) {
            reversed.put(layout[k][0], tensors.get(layout[k][0]));
        }
        byte[] expected = file(header.toString(), data);
        assertWrites(expected, reversed, null);

        try (SafetensorsFile f =
                SafetensorsFile.open(write(dir.resolve("o.safetensors"), expected))) {
            for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
                assertArrayEquals(bytes(e.getValue()), bytes(f.get(e.getKey())), e.getKey());
            }
        }
    }

    @Test
    void readerAcceptsAnyEntryOrderAndJsonWhitespace() throws IOException {
        // Entries out of offset order, metadata last, newlines and tabs: all valid safetensors.
        String header =
                "{\n"
                    + "\t\"second\": {\"shape\": [1], \"data_offsets\": [4, 8], \"dtype\":"
                    + " \"F32\"},\r\n"
                    + "  \"first\" : {\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},\n"
                    + "  \"__metadata__\": {}\n"
                    + "}\n";
        byte[] bytes = file(header, f32(7, 8));
        try (SafetensorsFile f =
                SafetensorsFile.open(write(dir.resolve("ws.safetensors"), bytes))) {
            assertEquals(List.of("first", "second"), List.copyOf(f.names()));
            assertArrayEquals(new float[] {7}, f.get("first").toFloatArray());
            assertArrayEquals(new float[] {8}, f.get("second").toFloatArray());
            assertEquals(Map.of(), f.metadata());
        }
    }

    @Test
    void unicodeNamesAreUtf8() throws IOException {
        String name = "层.ü.😀";
        String header =
                "{\"" + name + "\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
        byte[] expected = file(header, new byte[] {5});
        assertWrites(
                expected,
                Map.of(name, tensor(TensorDType.U8, new long[] {1}, new byte[] {5})),
                null);
        try (SafetensorsFile f =
                SafetensorsFile.open(write(dir.resolve("u.safetensors"), expected))) {
            assertEquals(5, f.get(name).data().get(0));
        }
    }
}
