package ai.spikelm.zoo.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hyper-parameters of a BERT encoder, with the Hugging Face {@code config.json} keys.
 *
 * @param vocabSize rows of the word embedding ({@code vocab_size})
 * @param hiddenSize model width ({@code hidden_size})
 * @param numHiddenLayers encoder layers ({@code num_hidden_layers})
 * @param numAttentionHeads attention heads per layer ({@code num_attention_heads})
 * @param intermediateSize feed-forward width ({@code intermediate_size})
 * @param maxPositionEmbeddings rows of the position embedding ({@code max_position_embeddings})
 * @param typeVocabSize rows of the token-type embedding ({@code type_vocab_size})
 * @param layerNormEps LayerNorm epsilon ({@code layer_norm_eps})
 * @param hiddenAct feed-forward activation, e.g. {@code "gelu"} ({@code hidden_act})
 * @param architectures Hugging Face class names, e.g. {@code ["BertModel"]}
 */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        String hiddenAct,
        List<String> architectures) {

    /** The epsilon of Google's BERT LayerNorm, which Hugging Face's BERT also uses by default. */
    public static final double BERT_LAYER_NORM_EPS = 1e-12;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Creates a config after checking it.
     *
     * @param vocabSize rows of the word embedding
     * @param hiddenSize model width
     * @param numHiddenLayers encoder layers
     * @param numAttentionHeads attention heads per layer
     * @param intermediateSize feed-forward width
     * @param maxPositionEmbeddings rows of the position embedding
     * @param typeVocabSize rows of the token-type embedding
     * @param layerNormEps LayerNorm epsilon
     * @param hiddenAct feed-forward activation
     * @param architectures Hugging Face class names
     * @throws IllegalArgumentException if a size is not positive, the hidden size is not a
     *     multiple of the head count, or the epsilon is not positive
     */
    public BertConfig {
        requirePositive("vocab_size", vocabSize);
        requirePositive("hidden_size", hiddenSize);
        requirePositive("num_hidden_layers", numHiddenLayers);
        requirePositive("num_attention_heads", numAttentionHeads);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("max_position_embeddings", maxPositionEmbeddings);
        requirePositive("type_vocab_size", typeVocabSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException(
                    "hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                            + numAttentionHeads);
        }
        if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
            throw new IllegalArgumentException("layer_norm_eps must be positive, got " + layerNormEps);
        }
        if (hiddenAct == null || hiddenAct.isEmpty()) {
            throw new IllegalArgumentException("hidden_act is missing");
        }
        architectures = List.copyOf(architectures);
    }

    /**
     * Returns a copy with other Hugging Face architecture names.
     *
     * @param names the class names, e.g. {@code "BertForMaskedLM"}
     * @return the new config
     */
    public BertConfig withArchitectures(String... names) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads,
                intermediateSize, maxPositionEmbeddings, typeVocabSize, layerNormEps, hiddenAct,
                List.of(names));
    }

    /**
     * Returns the Hugging Face {@code config.json} content, BERT's usual defaults included for
     * the keys a checkpoint does not determine (dropout, initializer range, padding id).
     *
     * @return an ordered map of JSON keys to values
     */
    public Map<String, Object> toHuggingFaceMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", architectures);
        m.put("model_type", "bert");
        m.put("vocab_size", vocabSize);
        m.put("hidden_size", hiddenSize);
        m.put("num_hidden_layers", numHiddenLayers);
        m.put("num_attention_heads", numAttentionHeads);
        m.put("intermediate_size", intermediateSize);
        m.put("hidden_act", hiddenAct);
        m.put("hidden_dropout_prob", 0.1);
        m.put("attention_probs_dropout_prob", 0.1);
        m.put("max_position_embeddings", maxPositionEmbeddings);
        m.put("type_vocab_size", typeVocabSize);
        m.put("initializer_range", 0.02);
        m.put("layer_norm_eps", layerNormEps);
        m.put("pad_token_id", 0);
        m.put("position_embedding_type", "absolute");
        return m;
    }

    /**
     * Serializes {@link #toHuggingFaceMap()} as pretty-printed JSON.
     *
     * @return the JSON text
     */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toHuggingFaceMap());
        } catch (IOException e) {
            throw new IllegalStateException("A map of numbers and strings always serializes", e);
        }
    }

    /**
     * Writes {@code config.json}.
     *
     * @param file the target file
     * @throws IOException if the file cannot be written
     */
    public void writeJson(Path file) throws IOException {
        Files.writeString(file, toJson() + "\n");
    }

    /**
     * Reads a Hugging Face {@code config.json} or Google's {@code bert_config.json} (same keys;
     * a missing {@code layer_norm_eps} means BERT's 1e-12).
     *
     * @param file the JSON file
     * @return the config
     * @throws CheckpointFormatException if the file is not JSON or lacks a required key
     * @throws IOException if the file cannot be read
     */
    public static BertConfig readJson(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw e;
            }
            throw new CheckpointFormatException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointFormatException(file + " does not hold a JSON object");
        }
        try {
            return new BertConfig(
                    requiredInt(root, "vocab_size", file),
                    requiredInt(root, "hidden_size", file),
                    requiredInt(root, "num_hidden_layers", file),
                    requiredInt(root, "num_attention_heads", file),
                    requiredInt(root, "intermediate_size", file),
                    requiredInt(root, "max_position_embeddings", file),
                    requiredInt(root, "type_vocab_size", file),
                    root.path("layer_norm_eps").asDouble(BERT_LAYER_NORM_EPS),
                    root.path("hidden_act").asText("gelu"),
                    architectures(root));
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file + ": " + e.getMessage(), e);
        }
    }

    private static List<String> architectures(JsonNode root) {
        List<String> names = new java.util.ArrayList<>();
        root.path("architectures").forEach(n -> names.add(n.asText()));
        return names.isEmpty() ? List.of("BertModel") : names;
    }

    private static int requiredInt(JsonNode root, String key, Path file) throws CheckpointFormatException {
        JsonNode node = root.get(key);
        if (node == null || !node.canConvertToInt()) {
            throw new CheckpointFormatException(file + " has no integer \"" + key + "\"");
        }
        return node.intValue();
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }
}
