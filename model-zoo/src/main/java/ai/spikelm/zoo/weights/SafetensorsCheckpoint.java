package ai.spikelm.zoo.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The entry point for reading a checkpoint: safetensors, single-file or sharded, and on request a
 * PyTorch {@code pytorch_model.bin} when no safetensors exists.
 */
public final class SafetensorsCheckpoint {

    /** The name of a single-file checkpoint in a model directory. */
    public static final String SINGLE_FILE_NAME = "model.safetensors";

    /** The name of the index of a sharded checkpoint in a model directory. */
    public static final String INDEX_FILE_NAME = "model.safetensors.index.json";

    /** The name of a single-file PyTorch checkpoint in a model directory. */
    public static final String PYTORCH_FILE_NAME = "pytorch_model.bin";

    /** The name of the index of a sharded PyTorch checkpoint in a model directory. */
    public static final String PYTORCH_INDEX_FILE_NAME = "pytorch_model.bin.index.json";

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
                return ShardedCheckpoint.safetensors(index);
            }
            throw new NoSuchFileException(
                    dirOrFile.toString(),
                    null,
                    "holds neither " + SINGLE_FILE_NAME + " nor " + INDEX_FILE_NAME + pickleHint(dirOrFile));
        }
        if (!Files.exists(dirOrFile)) {
            throw new NoSuchFileException(dirOrFile.toString());
        }
        if (dirOrFile.getFileName().toString().endsWith(".index.json")) {
            return ShardedCheckpoint.safetensors(dirOrFile);
        }
        return SafetensorsFile.open(dirOrFile);
    }

    /**
     * Opens a checkpoint, optionally falling back to PyTorch's pickle-based format.
     *
     * <p>With {@code allowPickle} false this is {@link #open(Path)}. With it true, safetensors is
     * still preferred: a directory is opened through {@code model.safetensors}, {@code
     * model.safetensors.index.json}, {@code pytorch_model.bin}, then {@code
     * pytorch_model.bin.index.json}, the first that exists. A file whose name ends in {@code
     * .bin.index.json} is opened as a sharded PyTorch index, any other {@code .index.json} as a
     * sharded safetensors index, a file named {@code *.bin}, {@code *.pt} or {@code *.pth} or
     * starting like a zip archive as a {@code torch.save} archive, and any other as safetensors.
     *
     * <p>PyTorch checkpoints are read by {@link PytorchCheckpoint}, which never runs code from the
     * file; still, pass true only for checkpoints that have no safetensors form.
     *
     * @param dirOrFile a model directory, a checkpoint file or an index file
     * @param allowPickle whether a PyTorch checkpoint may be read when there is no safetensors
     * @return the open checkpoint; the caller closes it
     * @throws NoSuchFileException if there is no such file, or the directory holds none of the
     *     names
     * @throws UnsafeCheckpointException if a PyTorch checkpoint asks for something not allowed
     * @throws MalformedCheckpointException if the checkpoint is malformed
     * @throws IOException if a file cannot be read
     */
    public static CheckpointReader open(Path dirOrFile, boolean allowPickle) throws IOException {
        if (!allowPickle) {
            return open(dirOrFile);
        }
        if (Files.isDirectory(dirOrFile)) {
            for (String name :
                    new String[] {
                        SINGLE_FILE_NAME,
                        INDEX_FILE_NAME,
                        PYTORCH_FILE_NAME,
                        PYTORCH_INDEX_FILE_NAME
                    }) {
                if (Files.isRegularFile(dirOrFile.resolve(name))) {
                    return open(dirOrFile.resolve(name), true);
                }
            }
            throw new NoSuchFileException(
                    dirOrFile.toString(),
                    null,
                    "holds none of "
                            + String.join(
                                    ", ",
                                    SINGLE_FILE_NAME,
                                    INDEX_FILE_NAME,
                                    PYTORCH_FILE_NAME,
                                    PYTORCH_INDEX_FILE_NAME));
        }
        if (!Files.exists(dirOrFile)) {
            throw new NoSuchFileException(dirOrFile.toString());
        }
        String name = dirOrFile.getFileName().toString();
        if (name.endsWith(".bin.index.json")) {
            return ShardedCheckpoint.pytorch(dirOrFile);
        }
        boolean pytorchName =
                name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth");
        if (pytorchName || (!name.endsWith(".index.json") && startsLikeZip(dirOrFile))) {
            return PytorchCheckpoint.open(dirOrFile);
        }
        return open(dirOrFile);
    }

    /**
     * Says how to read a directory's PyTorch checkpoint, if it has one: it is read only on request.
     */
    private static String pickleHint(Path dir) {
        for (String name : new String[] {PYTORCH_FILE_NAME, PYTORCH_INDEX_FILE_NAME}) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return "; it has "
                        + name
                        + ", a pickle checkpoint, which is read only when allowed: pass --allow-pickle"
                        + " (spikelm), optAllowPickle(true) (loaders) or the argument allowPickle=true"
                        + " (DJL); it is then read by a restricted unpickler that runs no code";
            }
        }
        return "";
    }

    /** A zip archive starts with a local header, "PK\3\4"; safetensors with a length. */
    private static boolean startsLikeZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4
                    && head[0] == 'P'
                    && head[1] == 'K'
                    && head[2] == 3
                    && head[3] == 4;
        }
    }
}
