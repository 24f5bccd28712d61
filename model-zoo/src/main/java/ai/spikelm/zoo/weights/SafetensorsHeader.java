package ai.spikelm.zoo.weights;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed and validated JSON header of a safetensors file.
 *
 * <p>Parsing is strict and streaming: every field is checked as it is read, nothing is nested
 * deeper than the format allows, and no allocation depends on a number read from the file (only on
 * the header's own length, which the caller bounds). The rules are those of the reference
 * implementation, tightened where it is lenient:
 *
 * <ul>
 *   <li>the header is UTF-8, starts with <code>{</code>, and holds one JSON object followed only by
 *       JSON whitespace (the Python library pads with spaces);
 *   <li>each tensor entry has exactly {@code dtype}, {@code shape} and {@code data_offsets};
 *   <li>names are unique, and {@code __metadata__} is a string-to-string map;
 *   <li>tensors tile the data section exactly: sorted by offset, each starts where the previous one
 *       ends and the last ends at the end of the file. Overlaps, holes and trailing bytes are
 *       refused, as the reference implementation does.
 * </ul>
 */
final class SafetensorsHeader {

    /** The largest header accepted, as in the reference implementation. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The reserved key of the free-form string map. */
    static final String METADATA_KEY = "__metadata__";

    // Valid safetensors dtypes that TensorDType cannot hold: named apart for a clearer message.
    private static final Set<String> OTHER_SAFETENSORS_DTYPES =
            Set.of(
                    "U16", "U32", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3",
                    "F6_E3M2", "C64");

    // Names and strings may be as long as the header itself; the defaults are far smaller.
    private static final JsonFactory JSON =
            JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder()
                                    .maxStringLength((int) MAX_HEADER_BYTES)
                                    .maxNameLength((int) MAX_HEADER_BYTES)
                                    .build())
                    .build();

    private final List<TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsHeader(List<TensorInfo> tensors, Map<String, String> metadata) {
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Parses and validates a header.
     *
     * @param file the file the header comes from, for messages
     * @param json the header bytes (without the 8-byte length prefix)
     * @param dataLength the length of the data section that follows the header
     * @return the header
     * @throws MalformedCheckpointException if the header breaks any rule of the format
     */
    static SafetensorsHeader parse(Path file, byte[] json, long dataLength)
            throws MalformedCheckpointException {
        if (json.length == 0) {
            throw new MalformedCheckpointException(file, "header length is 0");
        }
        if (json[0] != '{') {
            throw new MalformedCheckpointException(file, "header does not start with '{'");
        }
        // A reporting decoder makes invalid UTF-8 an error instead of silent U+FFFD.
        CharsetDecoder utf8 =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (JsonParser parser =
                JSON.createParser(new InputStreamReader(new ByteArrayInputStream(json), utf8))) {
            SafetensorsHeader header = new Parse(file, parser, dataLength).header();
            checkLayout(file, header.tensors, dataLength);
            return header;
        } catch (MalformedCheckpointException e) {
            throw e;
        } catch (CharacterCodingException e) {
            throw new MalformedCheckpointException(file, "header is not valid UTF-8", e);
        } catch (JsonProcessingException e) {
            throw new MalformedCheckpointException(
                    file, "header is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            // Only an in-memory stream is read, so any other I/O error is a parse failure too.
            throw new MalformedCheckpointException(file, "header cannot be read: " + e, e);
        }
    }

    /**
     * Returns the tensors sorted by data offset.
     *
     * @return the tensors, unmodifiable
     */
    List<TensorInfo> tensors() {
        return tensors;
    }

    /**
     * Returns the {@code __metadata__} map in file order (empty if absent).
     *
     * @return the metadata, unmodifiable
     */
    Map<String, String> metadata() {
        return metadata;
    }

    /** Checks that the tensors, sorted by offset, tile the data section with no gap or overlap. */
    private static void checkLayout(Path file, List<TensorInfo> sorted, long dataLength)
            throws MalformedCheckpointException {
        long covered = 0;
        String previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < covered) {
                throw new MalformedCheckpointException(
                        file,
                        "tensor '"
                                + t.name()
                                + "' at "
                                + range(t)
                                + " overlaps tensor '"
                                + previous
                                + "' ending at "
                                + covered);
            }
            if (t.begin() > covered) {
                throw new MalformedCheckpointException(
                        file,
                        "hole of "
                                + (t.begin() - covered)
                                + " bytes in the data section before"
                                + " tensor '"
                                + t.name()
                                + "' at "
                                + range(t)
                                + " (safetensors requires tensors to cover the data section)");
            }
            covered = t.end();
            previous = t.name();
        }
        if (covered != dataLength) {
            throw new MalformedCheckpointException(
                    file,
                    (dataLength - covered)
                            + " bytes at the end of the "
                            + dataLength
                            + "-byte data section belong to no tensor");
        }
    }

    private static String range(TensorInfo t) {
        return "[" + t.begin() + ", " + t.end() + "]";
    }

    /** One pass over the JSON tokens of a header. */
    private static final class Parse {

        private final Path file;
        private final JsonParser p;
        private final long dataLength;

        Parse(Path file, JsonParser parser, long dataLength) {
            this.file = file;
            this.p = parser;
            this.dataLength = dataLength;
        }

        SafetensorsHeader header() throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw fail("header is not a JSON object");
            }
            Map<String, TensorInfo> byName = new LinkedHashMap<>();
            Map<String, String> metadata = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                if (METADATA_KEY.equals(key)) {
                    if (metadata != null) {
                        throw fail("duplicate " + METADATA_KEY + " entry");
                    }
                    metadata = metadata();
                } else {
                    if (byName.containsKey(key)) {
                        throw fail("duplicate tensor name '" + key + "'");
                    }
                    byName.put(key, entry(key));
                }
            }
            // The loop ends on the closing brace; the parser itself rejects anything else.
            if (p.nextToken() != null) {
                throw fail("header has content after the top-level JSON object");
            }
            List<TensorInfo> sorted = new ArrayList<>(byName.values());
            sorted.sort(
                    Comparator.comparingLong(TensorInfo::begin)
                            .thenComparingLong(TensorInfo::end)
                            .thenComparing(TensorInfo::name));
            return new SafetensorsHeader(
                    Collections.unmodifiableList(sorted),
                    metadata == null ? Map.of() : Collections.unmodifiableMap(metadata));
        }

        private Map<String, String> metadata() throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw fail(METADATA_KEY + " is not a JSON object of strings");
            }
            Map<String, String> map = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    throw fail(METADATA_KEY + " value of '" + key + "' is not a string");
                }
                if (map.put(key, p.getText()) != null) {
                    throw fail(METADATA_KEY + " has duplicate key '" + key + "'");
                }
            }
            return map;
        }

        private TensorInfo entry(String name) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw failTensor(name, "entry is not a JSON object");
            }
            String dtypeName = null;
            long[] shape = null;
            long[] offsets = null;
            Set<String> seen = new HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (!seen.add(field)) {
                    throw failTensor(name, "duplicate field '" + field + "'");
                }
                p.nextToken();
                switch (field) {
                    case "dtype":
                        if (p.currentToken() != JsonToken.VALUE_STRING) {
                            throw failTensor(name, "dtype is not a string");
                        }
                        dtypeName = p.getText();
                        break;
                    case "shape":
                        shape = integers(name, "shape");
                        break;
                    case "data_offsets":
                        offsets = integers(name, "data_offsets");
                        break;
                    default:
                        throw failTensor(name, "unknown field '" + field + "'");
                }
            }
            for (String required : List.of("dtype", "shape", "data_offsets")) {
                if (!seen.contains(required)) {
                    throw failTensor(name, "missing field '" + required + "'");
                }
            }
            return tensor(name, dtype(name, dtypeName), shape, offsets);
        }

        private TensorInfo tensor(String name, TensorDType dtype, long[] shape, long[] offsets)
                throws MalformedCheckpointException {
            if (offsets.length != 2) {
                throw failTensor(
                        name, "data_offsets must hold exactly two integers, not " + offsets.length);
            }
            long begin = offsets[0];
            long end = offsets[1];
            if (end < begin) {
                throw failTensor(name, "data_offsets [" + begin + ", " + end + "] decrease");
            }
            if (end > dataLength) {
                throw failTensor(
                        name,
                        "data_offsets ["
                                + begin
                                + ", "
                                + end
                                + "] lie outside the "
                                + dataLength
                                + "-byte data section");
            }
            long expected = byteSize(name, dtype, shape);
            if (expected != end - begin) {
                throw failTensor(
                        name,
                        "shape "
                                + Arrays.toString(shape)
                                + " of dtype "
                                + dtype
                                + " needs "
                                + expected
                                + " bytes but data_offsets ["
                                + begin
                                + ", "
                                + end
                                + "] span "
                                + (end - begin));
            }
            return new TensorInfo(name, dtype, shape, begin, end);
        }

        private long byteSize(String name, TensorDType dtype, long[] shape)
                throws MalformedCheckpointException {
            try {
                long n = dtype.byteSize();
                for (long d : shape) {
                    n = Math.multiplyExact(n, d);
                }
                return n;
            } catch (ArithmeticException e) {
                throw failTensor(
                        name,
                        "byte size of shape "
                                + Arrays.toString(shape)
                                + " and dtype "
                                + dtype
                                + " overflows a 64-bit integer");
            }
        }

        private TensorDType dtype(String name, String dtypeName)
                throws MalformedCheckpointException {
            TensorDType dtype = TensorDType.forExactName(dtypeName);
            if (dtype != null) {
                return dtype;
            }
            if (OTHER_SAFETENSORS_DTYPES.contains(dtypeName)) {
                throw failTensor(name, "dtype '" + dtypeName + "' is not supported");
            }
            throw failTensor(name, "unknown dtype '" + dtypeName + "'");
        }

        /** Reads an array of non-negative integers that fit a long, without descending further. */
        private long[] integers(String name, String field) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw failTensor(name, field + " is not an array of integers");
            }
            long[] values = new long[4];
            int n = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_NUMBER_INT) {
                    throw failTensor(
                            name, field + " holds " + describe(t) + ", not a non-negative integer");
                }
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw failTensor(name, field + " holds " + p.getText() + ", too large");
                }
                long v = p.getLongValue();
                if (v < 0) {
                    throw failTensor(name, field + " holds negative value " + v);
                }
                if (n == values.length) {
                    values = Arrays.copyOf(values, n * 2);
                }
                values[n++] = v;
            }
            return Arrays.copyOf(values, n);
        }

        /** Names the current value for a message without reading any further. */
        private String describe(JsonToken t) throws IOException {
            switch (t) {
                case START_ARRAY:
                    return "an array";
                case START_OBJECT:
                    return "an object";
                case VALUE_STRING:
                    return "the string \"" + p.getText() + "\"";
                default:
                    return p.getText();
            }
        }

        private MalformedCheckpointException failTensor(String name, String problem) {
            return fail("tensor '" + name + "': " + problem);
        }

        private MalformedCheckpointException fail(String problem) {
            return new MalformedCheckpointException(file, problem);
        }
    }
}
