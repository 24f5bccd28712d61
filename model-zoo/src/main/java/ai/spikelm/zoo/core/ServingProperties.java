package ai.spikelm.zoo.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * DJL's per-model settings file, written beside every saved SpikeLM model so that {@code
 * Criteria.optModelPath(dir)} loads it with the SpikeLM block and translator factories.
 */
public final class ServingProperties {

    /** The file name. */
    public static final String FILE_NAME = "serving.properties";

    private static final String TEXT =
            "# Lets DJL's Criteria.optModelPath(dir) load this SpikeLM model.\n"
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
