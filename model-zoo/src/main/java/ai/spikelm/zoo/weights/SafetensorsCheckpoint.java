package ai.spikelm.zoo.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The entry point for reading a safetensors checkpoint, single-file or sharded. */
public final class SafetensorsCheckpoint {

    /** The name of a single-file checkpoint in a model directory. */
    public static final String SINGLE_FILE_NAME = "model.safetensors";

    /** The name of the index of a sharded checkpoint in a model directory. */
    public static final String INDEX_FILE_NAME = "model.safetensors.index.json";

    private SafetensorsCheckpoint() {}

    /**
     * Opens a checkpoint.
     *
     * <p>A directory is opened through its {@code model.safetensors} or, failing that, its {@code
     * model.safetensors.index.json} (the order Hugging Face Transformers uses). A file whose name
     * ends in {@code .index.json} is opened as a sharded index, any other file as one safetensors
     * file.
     *
     * @param dirOrFile a model directory, a safetensors file or an index file
     * @return the open checkpoint; the caller closes it
     * @throws NoSuchFileException if there is no such file, or the directory holds neither name
     * @throws MalformedCheckpointException if the checkpoint is malformed
     * @throws IOException if a file cannot be read
     */
    public static CheckpointReader open(Path dirOrFile) throws IOException {
        if (Files.isDirectory(dirOrFile)) {
            Path single = dirOrFile.resolve(SINGLE_FILE_NAME);
            if (Files.isRegularFile(single)) {
                return SafetensorsFile.open(single);
            }
            Path index = dirOrFile.resolve(INDEX_FILE_NAME);
            if (Files.isRegularFile(index)) {
                return ShardedSafetensors.open(index);
            }
            throw new NoSuchFileException(
                    dirOrFile.toString(),
                    null,
                    "holds neither " + SINGLE_FILE_NAME + " nor " + INDEX_FILE_NAME);
        }
        if (!Files.exists(dirOrFile)) {
            throw new NoSuchFileException(dirOrFile.toString());
        }
        if (dirOrFile.getFileName().toString().endsWith(".index.json")) {
            return ShardedSafetensors.open(dirOrFile);
        }
        return SafetensorsFile.open(dirOrFile);
    }
}
