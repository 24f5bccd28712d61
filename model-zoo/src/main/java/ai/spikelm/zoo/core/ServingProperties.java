package ai.spikelm.zoo.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * DJL's per-model settings file, written beside every saved SpikeLM model: the SpikeLM block and
 * translator factories, so that the folder alone loads through DJL's serving path ({@code
 * Criteria<Input, Output>} with {@code optModelPath(dir)}, or DJL Serving: JSON text embedding).
 * A typed {@code Criteria} (such as {@code String → float[]}) with {@code optModelPath(dir)} also
 * needs {@code optTranslatorFactory(new SpikeLmTranslatorFactory())}, because DJL picks a typed
 * translator before it reads this file; the {@code hf:///dir} URL needs nothing.
 */
public final class ServingProperties {

    /** The file name. */
    public static final String FILE_NAME = "serving.properties";

    private static final String TEXT =
            "# Lets DJL load this SpikeLM model folder by its path (Criteria.optModelPath, DJL Serving).\n"
                    + "engine=PyTorch\n"
                    + "blockFactory=ai.spikelm.zoo.djl.SpikeLmBlockFactory\n"
                    + "translatorFactory=ai.spikelm.zoo.djl.SpikeLmTranslatorFactory\n"
                    + "option.hasParameter=false\n";

    private ServingProperties() {}

    /**
     * Writes the file into a model directory.
     *
     * @param dir the model directory
     * @throws IOException if it cannot be written
     */
    public static void write(Path dir) throws IOException {
        Files.writeString(dir.resolve(FILE_NAME), TEXT);
    }
}
