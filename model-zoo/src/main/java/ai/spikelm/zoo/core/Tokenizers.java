package ai.spikelm.zoo.core;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/** Loading a model's {@code tokenizer.json} the way language modelling and generation need it. */
public final class Tokenizers {

    private Tokenizers() {}

    /**
     * Loads a {@code tokenizer.json} for language modelling and generation: no padding, no special
     * tokens unless a call asks for them ({@code encode(text, true, false)}) and, unlike DJL's
     * default (which silently cuts every text at 512 tokens), no truncation.
     *
     * @param tokenizerJson the file
     * @return the tokenizer; close it when done
     * @throws IOException if the file is missing or cannot be read
     */
    public static HuggingFaceTokenizer untruncated(Path tokenizerJson) throws IOException {
        return TokenizerFiles.load(tokenizerJson, b -> b.optAddSpecialTokens(false).optTruncation(false).optPadding(false));
    }

    /**
     * Returns the number of ids a tokenizer.json uses: one more than the largest id of its model
     * vocabulary and added tokens (the vocab_size a model for it needs).
     *
     * @param tokenizerJson the file
     * @return the vocabulary size
     * @throws IOException if the file cannot be read or has no vocabulary
     */
    public static int vocabSize(Path tokenizerJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
        int max = -1;
        for (JsonNode id : root.path("model").path("vocab")) {
            max = Math.max(max, id.asInt());
        }
        for (JsonNode added : root.path("added_tokens")) {
            max = Math.max(max, added.path("id").asInt(-1));
        }
        if (max < 0) {
            throw new IOException(tokenizerJson + " has no model.vocab");
        }
        return max + 1;
    }
}
