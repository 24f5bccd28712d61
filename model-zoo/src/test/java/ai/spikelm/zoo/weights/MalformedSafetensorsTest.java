package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.SafetensorsBytes.file;
import static ai.spikelm.zoo.weights.SafetensorsBytes.raw;
import static ai.spikelm.zoo.weights.SafetensorsBytes.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Every rule of the format, broken once: each gives a MalformedCheckpointException that says so.
 */
class MalformedSafetensorsTest {

    private static final String F32_2 = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    @TempDir Path dir;
    private int count;

    private void assertMalformed(byte[] bytes, String... expectedProblem) {
        Path f = write(dir.resolve("bad" + count++ + ".safetensors"), bytes);
        MalformedCheckpointException e =
                assertThrows(
                        MalformedCheckpointException.class, () -> SafetensorsFile.open(f).close());
        for (String fragment : expectedProblem) {
            assertTrue(
                    e.problem().contains(fragment),
                    "expected '" + fragment + "' in: " + e.getMessage());
        }
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
    }

    /** A header (padded as usual) over {@code dataBytes} zero bytes. */
    private void assertMalformed(String header, int dataBytes, String... expectedProblem) {
        assertMalformed(file(header, new byte[dataBytes]), expectedProblem);
    }

    /** One tensor entry, otherwise valid, over 8 bytes of data. */
    private void assertEntryMalformed(String entry, String expectedProblem) {
        assertMalformed("{\"t\":" + entry + "}", 8, "tensor 't': ", expectedProblem);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void fileShorterThanTheLengthPrefix() {
        assertMalformed(new byte[0], "file is 0 bytes, shorter than the 8-byte header length");
        assertMalformed(new byte[] {8, 0, 0, 0, 0}, "file is 5 bytes");
    }

    @Test
    void headerLengthZero() {
        assertMalformed(raw(0, new byte[0], new byte[8]), "header length is 0");
    }

    @Test
    void headerLengthPastTheEndOfTheFile() {
        assertMalformed(
                raw(100, utf8("{}"), new byte[0]),
                "header length 100 runs past the end of the 10-byte file");
    }

    @Test
    void headerLengthAboveTheLimit() {
        assertMalformed(
                raw(100_000_001L, utf8("{}"), new byte[0]),
                "header length 100000001 exceeds the limit");
        // 2^64 - 1, negative as a Java long: must not become a negative allocation.
        assertMalformed(
                raw(-1L, utf8("{}"), new byte[0]), "header length 18446744073709551615 exceeds");
        assertMalformed(raw(Long.MIN_VALUE, utf8("{}"), new byte[0]), "exceeds the limit");
    }

    @Test
    void headerNotUtf8() {
        byte[] invalid = {'{', '"', (byte) 0xFF, '"', ':', '{', '}', '}'};
        assertMalformed(raw(8, invalid, new byte[0]), "header is not valid UTF-8");
        // An overlong encoding of '/' and a UTF-8-encoded surrogate are not UTF-8 either.
        byte[] overlong = {
            '{',
            '"',
            (byte) 0xC0,
            (byte) 0xAF,
            '"',
            ':',
            '{',
            '}',
            '}',
            ' ',
            ' ',
            ' ',
            ' ',
            ' ',
            ' ',
            ' '
        };
        assertMalformed(raw(16, overlong, new byte[0]), "not valid UTF-8");
        byte[] surrogate = {
            '{',
            '"',
            (byte) 0xED,
            (byte) 0xA0,
            (byte) 0x80,
            '"',
            ':',
            '{',
            '}',
            '}',
            ' ',
            ' ',
            ' ',
            ' ',
            ' ',
            ' '
        };
        assertMalformed(raw(16, surrogate, new byte[0]), "not valid UTF-8");
        // Invalid bytes in the padding after the object count too.
        byte[] badPadding = {'{', '}', ' ', ' ', ' ', ' ', ' ', (byte) 0x80};
        assertMalformed(raw(8, badPadding, new byte[0]), "not valid UTF-8");
    }

    @Test
    void headerNotAJsonObject() {
        assertMalformed("[1,2]", 0, "header does not start with '{'");
        assertMalformed(" {}", 0, "header does not start with '{'");
        assertMalformed("{\"t\":", 0, "header is not valid JSON");
        assertMalformed("{\"t\" 1}", 0, "header is not valid JSON");
        assertMalformed("{'t':1}", 0, "header is not valid JSON");
        assertMalformed("{}{}", 0, "content after the top-level JSON object");
        assertMalformed("{}]", 0, "not valid JSON");
        // NUL padding is not JSON whitespace.
        assertMalformed(
                raw(8, new byte[] {'{', '}', 0, 0, 0, 0, 0, 0}, new byte[0]), "not valid JSON");
    }

    @Test
    void entryMissingAField() {
        assertEntryMalformed("{\"shape\":[2],\"data_offsets\":[0,8]}", "missing field 'dtype'");
        assertEntryMalformed("{\"dtype\":\"F32\",\"data_offsets\":[0,8]}", "missing field 'shape'");
        assertEntryMalformed("{\"dtype\":\"F32\",\"shape\":[2]}", "missing field 'data_offsets'");
    }

    @Test
    void entryWithUnknownOrRepeatedField() {
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"stride\":[1]}",
                "unknown field 'stride'");
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}",
                "duplicate field 'dtype'");
        assertEntryMalformed("[]", "entry is not a JSON object");
        assertEntryMalformed("5", "entry is not a JSON object");
    }

    @Test
    void unknownDtype() {
        assertEntryMalformed(
                "{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}", "unknown dtype 'F33'");
        // Names are case sensitive.
        assertEntryMalformed(
                "{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}", "unknown dtype 'f32'");
        assertEntryMalformed(
                "{\"dtype\":\"U32\",\"shape\":[2],\"data_offsets\":[0,8]}",
                "dtype 'U32' is not supported");
        assertEntryMalformed(
                "{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}", "dtype is not a string");
    }

    @Test
    void badShape() {
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}",
                "shape holds negative value -2");
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}",
                "shape holds 2.0, not a non-negative integer");
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}",
                "shape holds the string \"2\"");
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[[2]],\"data_offsets\":[0,8]}",
                "shape holds an array");
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[null],\"data_offsets\":[0,8]}", "shape holds null");
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}", "shape is not an array");
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}",
                "shape holds 99999999999999999999, too large");
    }

    @Test
    void badDataOffsets() {
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8]}",
                "exactly two integers, not 1");
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}",
                "exactly two integers, not 3");
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}",
                "data_offsets [8, 0] decrease");
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.5]}",
                "not a non-negative integer");
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}", "negative value -8");
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":{}}",
                "data_offsets is not an array");
    }

    @Test
    void offsetsOutsideTheDataSection() {
        assertMalformed(
                "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                8,
                "data_offsets [4, 12] lie outside the 8-byte data section");
        assertMalformed(
                "{\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[9223372036854775806,9223372036854775807]}}",
                8,
                "lie outside");
    }

    @Test
    void overlappingTensors() {
        String header =
                "{\"a\":"
                        + F32_2
                        + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertMalformed(header, 12, "tensor 'b' at [4, 12] overlaps tensor 'a' ending at 8");
        // Two names for the same bytes overlap too.
        assertMalformed("{\"a\":" + F32_2 + ",\"b\":" + F32_2 + "}", 8, "overlaps");
    }

    @Test
    void holesAndUncoveredBytes() {
        String hole =
                "{\"a\":"
                        + F32_2
                        + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}";
        assertMalformed(hole, 20, "hole of 4 bytes in the data section before tensor 'b'");
        assertMalformed(
                "{\"a\":" + F32_2 + "}",
                12,
                "4 bytes at the end of the 12-byte data section belong to no tensor");
        assertMalformed("{}", 3, "3 bytes at the end");
    }

    @Test
    void byteLengthDisagreesWithShapeAndDtype() {
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}",
                "shape [3] of dtype F32 needs 12 bytes but data_offsets [0, 8] span 8");
    }

    @Test
    void byteLengthOverflow() {
        // 2^32 * 2^32 * 4 bytes wraps to 0 in 64 bits; it must be caught, not accepted as empty.
        assertMalformed(
                "{\"t\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}",
                0,
                "overflows a 64-bit integer");
        assertMalformed(
                "{\"t\":{\"dtype\":\"I64\",\"shape\":[9223372036854775807],\"data_offsets\":[0,0]}}",
                0,
                "overflows");
    }

    @Test
    void metadataNotAStringMap() {
        assertMalformed(
                "{\"__metadata__\":\"pt\"}", 0, "__metadata__ is not a JSON object of strings");
        assertMalformed("{\"__metadata__\":null}", 0, "__metadata__ is not a JSON object");
        assertMalformed(
                "{\"__metadata__\":{\"n\":1}}", 0, "__metadata__ value of 'n' is not a string");
        assertMalformed(
                "{\"__metadata__\":{\"n\":{\"deep\":\"x\"}}}", 0, "value of 'n' is not a string");
        assertMalformed(
                "{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}",
                0,
                "__metadata__ has duplicate key 'k'");
        assertMalformed(
                "{\"__metadata__\":{},\"__metadata__\":{}}", 0, "duplicate __metadata__ entry");
    }

    @Test
    void duplicateTensorNames() {
        String header =
                "{\"a\":"
                        + F32_2
                        + ",\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        assertMalformed(header, 16, "duplicate tensor name 'a'");
    }

    @Test
    void deepNestingFailsFastWithoutRecursion() {
        String deep = "[".repeat(200_000);
        assertMalformed("{\"__metadata__\":" + deep + "}", 0, "__metadata__ is not a JSON object");
        assertEntryMalformed(
                "{\"dtype\":\"F32\",\"shape\":" + deep + "}", "not a non-negative integer");
    }
}
