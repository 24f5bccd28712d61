package ai.spikelm.zoo.core;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Opens a Hugging Face {@code tokenizer.json} so that a missing or malformed file is an error that
 * names it: the native tokenizer library reports only what its JSON parser saw ("expected value at
 * line 1 column 1"), not which file.
 *
 * <pre>{@code
 * HuggingFaceTokenizer tokenizer = TokenizerFiles.load(dir.resolve("tokenizer.json"),
 *         b -> b.optMaxLength(128).optTruncation(true).optPadding(false));
 * }</pre>
 */
public final class TokenizerFiles {

    /** The file name of a model directory's tokenizer. */
    public static final String FILE_NAME = "tokenizer.json";

    private TokenizerFiles() {}

    /**
     * Loads a tokenizer with the builder's defaults.
     *
     * @param file the {@code tokenizer.json}
     * @return the tokenizer; close it after use
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException if it cannot be read or is not a tokenizer, naming the file
     */
    public static HuggingFaceTokenizer load(Path file) throws IOException {
        return load(file, UnaryOperator.identity());
    }

    /**
     * Loads a tokenizer with options.
     *
     * @param file the {@code tokenizer.json}
     * @param options sets the builder's options (the path is already set)
     * @return the tokenizer; close it after use
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException if it cannot be read or is not a tokenizer, naming the file
     */
    public static HuggingFaceTokenizer load(Path file, UnaryOperator<HuggingFaceTokenizer.Builder> options)
            throws IOException {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such tokenizer file");
        }
        try {
            return options.apply(HuggingFaceTokenizer.builder().optTokenizerPath(file)).build();
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " is not a valid tokenizer file: " + e.getMessage(), e);
        }
    }
}
