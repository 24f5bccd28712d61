package ai.spikelm.zoo.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the fields of one JSON object strictly: every read is recorded, and {@link
 * #rejectUnknown()} fails on any field nobody read or declared ignorable, so a misspelt setting is
 * an error instead of a silent default.
 */
public final class ConfigFields {

    private final String where;
    private final JsonNode node;
    private final Set<String> seen = new HashSet<>();

    /**
     * Wraps a JSON object.
     *
     * @param where how to name the object in errors, such as {@code "config.json"}
     * @param node the object
     * @throws InvalidConfigException if the node is not an object
     */
    public ConfigFields(String where, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidConfigException(where + " must be a JSON object");
        }
        this.where = where;
        this.node = node;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * Reads a JSON config file.
     *
     * @param file the file
     * @return its top-level fields
     * @throws java.io.IOException if the file cannot be read
     * @throws InvalidConfigException if it is not a JSON object
     */
    public static ConfigFields read(java.nio.file.Path file) throws java.io.IOException {
        return new ConfigFields(file.getFileName().toString(), tree(file.toString(), readText(file)));
    }

    /** Real configs are a few kilobytes; a larger file is not one, and is not read into memory. */
    private static final long MAX_CONFIG_BYTES = 16L << 20;

    /**
     * Reads a config file as strict UTF-8, so that bad bytes are an error naming the file and the
     * offset rather than the decoder's bare "Input length = 1".
     */
    private static String readText(java.nio.file.Path file) throws java.io.IOException {
        long size = java.nio.file.Files.size(file);
        if (size > MAX_CONFIG_BYTES) {
            throw new InvalidConfigException(file + " is " + size + " bytes, more than the " + MAX_CONFIG_BYTES
                    + " a config file may have");
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new InvalidConfigException(String.format(java.util.Locale.ROOT,
                    "%s is not valid UTF-8: bad byte 0x%02x at offset %d", file, bytes[in.position()] & 0xff, in.position()));
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /**
     * Parses JSON config text.
     *
     * @param json the text of a {@code config.json}
     * @return its top-level fields
     * @throws InvalidConfigException if it is not a JSON object
     */
    public static ConfigFields parse(String json) {
        return new ConfigFields("config.json", tree("config.json", json));
    }

    private static JsonNode tree(String where, String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidConfigException(where + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Requires {@code model_type} to be the family's.
     *
     * @param expected the family's model type, such as {@code bert}
     * @param family the family's name in messages
     * @throws InvalidConfigException if it is missing or another type
     */
    public void requireModelType(String expected, String family) {
        if (!has("model_type")) {
            throw new InvalidConfigException(where + " is missing required field 'model_type'");
        }
        String modelType = node.get("model_type").asText();
        if (!expected.equals(modelType)) {
            throw error("model_type", "is '" + modelType + "'; " + family + " reads '" + expected + "'");
        }
    }

    /**
     * Returns the {@code model_type} field, which names the model family.
     *
     * @return the model type, or null when the config has none
     */
    public String modelType() {
        return has("model_type") ? node.get("model_type").asText() : null;
    }

    /**
     * Returns the JSON object.
     *
     * @return the node
     */
    public ObjectNode node() {
        return (ObjectNode) node;
    }

    /**
     * Marks fields as known but unused (Hugging Face bookkeeping such as {@code architectures}).
     *
     * @param names the field names
     */
    public void ignore(String... names) {
        Collections.addAll(seen, names);
    }

    /**
     * Returns whether the field is present and not null.
     *
     * @param name the field
     * @return true if present
     */
    public boolean has(String name) {
        seen.add(name);
        return node.hasNonNull(name);
    }

    /**
     * Reads a required positive integer.
     *
     * @param name the field
     * @return the value
     */
    public int positiveInt(String name) {
        JsonNode v = require(name);
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
            throw invalid(name, "a positive integer", v);
        }
        return v.asInt();
    }

    /**
     * Reads an optional positive integer.
     *
     * @param name the field
     * @param fallback the value when absent
     * @return the value
     */
    public int positiveInt(String name, int fallback) {
        return has(name) ? positiveInt(name) : fallback;
    }

    /**
     * Reads an optional non-negative integer.
     *
     * @param name the field
     * @param fallback the value when absent
     * @return the value
     */
    public int nonNegativeInt(String name, int fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode v = node.get(name);
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw invalid(name, "a non-negative integer", v);
        }
        return v.asInt();
    }

    /**
     * Reads an optional number within [min, max].
     *
     * @param name the field
     * @param fallback the value when absent
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @return the value
     */
    public double number(String name, double fallback, double min, double max) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode v = node.get(name);
        if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
            throw invalid(name, "a number in [" + min + ", " + max + "]", v);
        }
        return v.asDouble();
    }

    /**
     * Reads an optional boolean.
     *
     * @param name the field
     * @param fallback the value when absent
     * @return the value
     */
    public boolean bool(String name, boolean fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode v = node.get(name);
        if (!v.isBoolean()) {
            throw invalid(name, "true or false", v);
        }
        return v.asBoolean();
    }

    /**
     * Reads an optional string that must be one of {@code allowed}.
     *
     * @param name the field
     * @param fallback the value when absent
     * @param allowed the allowed values
     * @return the value
     */
    public String choice(String name, String fallback, String... allowed) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode v = node.get(name);
        if (v.isTextual()) {
            for (String a : allowed) {
                if (a.equals(v.asText())) {
                    return a;
                }
            }
        }
        throw invalid(name, "one of " + String.join(", ", allowed), v);
    }

    /**
     * Reads an optional list of strings.
     *
     * @param name the field
     * @return the values, or null when absent
     */
    public List<String> strings(String name) {
        if (!has(name)) {
            return null;
        }
        JsonNode v = node.get(name);
        if (!v.isArray()) {
            throw invalid(name, "a list of strings", v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw invalid(name, "a list of strings", v);
            }
            out.add(item.asText());
        }
        return out;
    }

    /**
     * Reads the optional {@code architectures} list that every Hugging Face config may carry.
     *
     * @return the architectures, empty when absent
     */
    public List<String> architectures() {
        List<String> archs = strings("architectures");
        return archs == null ? List.of() : archs;
    }

    /**
     * Reads an optional token id: absent gives the family's default, while an explicit JSON {@code
     * null} means the model has no such token (Hugging Face writes {@code null} for, say, a GPT-2
     * without a padding token), so the two must not be confused.
     *
     * @param name the field
     * @param fallback the value when absent, possibly null
     * @return the id, or null for JSON {@code null}
     */
    public Integer optionalTokenId(String name, Integer fallback) {
        if (!node.has(name)) {
            return fallback;
        }
        if (node.get(name).isNull()) {
            seen.add(name);
            return null;
        }
        return nonNegativeInt(name, 0);
    }

    /**
     * Returns a nested object's fields, or null when absent.
     *
     * @param name the field
     * @return the nested fields
     */
    public ConfigFields object(String name) {
        if (!has(name)) {
            return null;
        }
        return new ConfigFields(where + " field '" + name + "'", node.get(name));
    }

    /**
     * Fails on any field that was neither read nor ignored.
     *
     * @throws InvalidConfigException naming the unknown fields
     */
    public void rejectUnknown() {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!seen.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidConfigException(where + " has unknown field(s): " + String.join(", ", unknown));
        }
    }

    /**
     * Creates an error about a field.
     *
     * @param name the field
     * @param message what is wrong
     * @return the exception to throw
     */
    public InvalidConfigException error(String name, String message) {
        return new InvalidConfigException(where + ": field '" + name + "' " + message);
    }

    private JsonNode require(String name) {
        if (!has(name)) {
            throw new InvalidConfigException(where + " is missing required field '" + name + "'");
        }
        return node.get(name);
    }

    private InvalidConfigException invalid(String name, String expected, JsonNode actual) {
        return error(name, "must be " + expected + ", got " + actual);
    }
}
