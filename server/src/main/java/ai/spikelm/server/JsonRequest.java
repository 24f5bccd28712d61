package ai.spikelm.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's JSON object with typed accessors: a field of the wrong type is a 400 that names the
 * field and what it should be, never a default silently taken.
 */
final class JsonRequest {

    /** Shared, thread-safe; nesting bounded so a deep body cannot exhaust the stack. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private final ObjectNode root;

    private JsonRequest(ObjectNode root) {
        this.root = root;
    }

    /** Parses a body that must be one JSON object. */
    static JsonRequest parse(byte[] body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "The body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.invalid(null, "The body cannot be read: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw ApiException.invalid(null, "The body is empty: expected a JSON object");
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.invalid(null, "The body must be a JSON object, got " + kind(node));
        }
        return new JsonRequest(object);
    }

    /** Returns the raw field, or null when absent or JSON null. */
    JsonNode get(String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : n;
    }

    /** A required string field. */
    String requireString(String field) {
        String s = string(field);
        if (s == null) {
            throw ApiException.invalid(field, "'" + field + "' is required");
        }
        return s;
    }

    /** An optional string field. */
    String string(String field) {
        JsonNode n = get(field);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw wrongType(field, "a string", n);
        }
        return n.textValue();
    }

    /** An optional boolean field. */
    boolean bool(String field, boolean orElse) {
        JsonNode n = get(field);
        if (n == null) {
            return orElse;
        }
        if (!n.isBoolean()) {
            throw wrongType(field, "a boolean", n);
        }
        return n.booleanValue();
    }

    /** An optional integer field within [min, max]. */
    Integer integer(String field, int min, int max) {
        JsonNode n = get(field);
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw wrongType(field, "an integer", n);
        }
        int v = n.intValue();
        if (v < min || v > max) {
            throw ApiException.invalid(field, "'" + field + "' must be in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    /** An optional finite number within [min, max]. */
    Double number(String field, double min, double max) {
        JsonNode n = get(field);
        if (n == null) {
            return null;
        }
        if (!n.isNumber()) {
            throw wrongType(field, "a number", n);
        }
        double v = n.doubleValue();
        if (!(v >= min && v <= max)) {
            throw ApiException.invalid(field, "'" + field + "' must be in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    /** OpenAI's {@code stop}: a string or an array of at most {@code max} non-empty strings. */
    List<String> stopSequences(int max) {
        JsonNode n = get("stop");
        List<String> stops = new ArrayList<>();
        if (n == null) {
            return stops;
        }
        if (n.isTextual()) {
            stops.add(n.textValue());
        } else if (n.isArray()) {
            for (JsonNode s : n) {
                if (!s.isTextual()) {
                    throw wrongType("stop", "a string or an array of strings", n);
                }
                stops.add(s.textValue());
            }
        } else {
            throw wrongType("stop", "a string or an array of strings", n);
        }
        if (stops.size() > max) {
            throw ApiException.invalid("stop", "'stop' has " + stops.size() + " sequences; at most " + max);
        }
        if (stops.stream().anyMatch(String::isEmpty)) {
            throw ApiException.invalid("stop", "'stop' must not contain empty strings");
        }
        return stops;
    }

    /**
     * Refuses a field whose value asks for a feature these models lack; its absence, JSON null or
     * the neutral value given is accepted (clients often send defaults explicitly).
     */
    void refuse(String field, String why, JsonNode... neutral) {
        JsonNode n = get(field);
        if (n == null) {
            return;
        }
        for (JsonNode ok : neutral) {
            if (ok.equals(n) || (ok.isNumber() && n.isNumber() && ok.doubleValue() == n.doubleValue())) {
                return;
            }
        }
        if ((n.isArray() || n.isObject()) && n.isEmpty()) {
            return;
        }
        throw ApiException.unsupported(field, "'" + field + "' is not supported: " + why);
    }

    static ApiException wrongType(String field, String expected, JsonNode got) {
        return ApiException.invalid(field, "'" + field + "' must be " + expected + ", got " + kind(got));
    }

    static String kind(JsonNode n) {
        if (n.isTextual()) {
            return "a string";
        } else if (n.isNumber()) {
            return "a number";
        } else if (n.isBoolean()) {
            return "a boolean";
        } else if (n.isArray()) {
            return "an array";
        } else if (n.isObject()) {
            return "an object";
        }
        return "null";
    }
}
