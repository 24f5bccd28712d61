package ai.spikelm.zoo.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a family config as Hugging Face {@code config.json}: the common head ({@code
 * architectures}, {@code model_type}), nullable token ids, the indented text and the file. Every
 * family writes its own fields in between, so that each {@code config.json} keeps the field order
 * Hugging Face writes for that family.
 */
public final class ConfigJson {

    /** The file name of a model directory's config. */
    public static final String FILE_NAME = "config.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ConfigJson() {}

    /**
     * Starts a config object with {@code architectures} (left out when empty, as Hugging Face does for
     * a config without a model class) and {@code model_type}.
     *
     * @param architectures the architectures, possibly empty
     * @param modelType the Hugging Face {@code model_type}
     * @return the object to add the family's fields to
     */
    public static ObjectNode start(List<String> architectures, String modelType) {
        ObjectNode o = JSON.createObjectNode();
        if (!architectures.isEmpty()) {
            architectures.forEach(o.putArray("architectures")::add);
        }
        o.put("model_type", modelType);
        return o;
    }

    /**
     * Puts an optional integer such as a token id: JSON {@code null} when absent, which {@link
     * ConfigFields#optionalTokenId} reads back as absent (rather than as the family default).
     *
     * @param o the config object
     * @param name the field
     * @param value the value, or null
     */
    public static void putNullable(ObjectNode o, String name, Integer value) {
        if (value == null) {
            o.putNull(name);
        } else {
            o.put(name, value);
        }
    }

    /**
     * Returns the config object as indented JSON text.
     *
     * @param o the config object
     * @return the text
     */
    public static String text(ObjectNode o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            // A tree of plain values always serialises; this would be a Jackson bug.
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code config.json} into a directory, creating it if needed.
     *
     * @param dir the model directory
     * @param json the config text
     * @throws IOException if the file cannot be written
     */
    public static void save(Path dir, String json) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(FILE_NAME), json, StandardCharsets.UTF_8);
    }
}
