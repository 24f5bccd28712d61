package ai.spikelm.zoo.convert;

import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.weights.HostTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameter names and shapes of a Hugging Face {@code BertModel} (plus the optional
 * pre-training heads), used to check an import and to read a config off tensor shapes.
 *
 * <p>Linear weights are {@code [out, in]}, as in {@code torch.nn.Linear}.
 */
public final class BertLayout {

    /** The epsilon of Google's BERT LayerNorm, which Hugging Face's BERT also uses by default. */
    public static final float BERT_LAYER_NORM_EPS = 1e-12f;

    /** Name of the word embedding, whose shape gives vocab and hidden sizes. */
    public static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    /** Name of the position embedding. */
    public static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";
    /** Name of the token-type (segment) embedding. */
    public static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";

    private static final Pattern LAYER_INDEX = Pattern.compile("^encoder\\.layer\\.(\\d{1,6})\\.");

    /** Per-layer parameters as suffixes after {@code encoder.layer.N.}; shapes filled in later. */
    private static final List<String> LAYER_SUFFIXES = List.of(
            "attention.self.query.weight", "attention.self.query.bias",
            "attention.self.key.weight", "attention.self.key.bias",
            "attention.self.value.weight", "attention.self.value.bias",
            "attention.output.dense.weight", "attention.output.dense.bias",
            "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
            "intermediate.dense.weight", "intermediate.dense.bias",
            "output.dense.weight", "output.dense.bias",
            "output.LayerNorm.weight", "output.LayerNorm.bias");

    private static final List<String> EMBEDDING_NAMES = List.of(WORD_EMBEDDINGS, POSITION_EMBEDDINGS,
            TOKEN_TYPE_EMBEDDINGS, "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias");

    private static final List<String> HEAD_NAMES = List.of("pooler.dense.weight", "pooler.dense.bias",
            "cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.bias",
            "cls.predictions.transform.LayerNorm.weight", "cls.predictions.transform.LayerNorm.bias",
            "cls.predictions.bias", "cls.seq_relationship.weight", "cls.seq_relationship.bias");

    private static final Pattern KNOWN_NAME = Pattern.compile(
            "^(embeddings\\.(word_embeddings|position_embeddings|token_type_embeddings)\\.weight"
                    + "|embeddings\\.LayerNorm\\.(weight|bias)"
                    + "|encoder\\.layer\\.\\d{1,6}\\.(" + String.join("|", LAYER_SUFFIXES).replace(".", "\\.") + ")"
                    + "|pooler\\.dense\\.(weight|bias)"
                    + "|cls\\.predictions\\.transform\\.dense\\.(weight|bias)"
                    + "|cls\\.predictions\\.transform\\.LayerNorm\\.(weight|bias)"
                    + "|cls\\.predictions\\.bias"
                    + "|cls\\.seq_relationship\\.(weight|bias))$");

    private BertLayout() {}

    /**
     * Returns the tensors every BERT encoder has: embeddings and all encoder layers.
     *
     * @param config the sizes
     * @return names mapped to shapes, in a stable order
     */
    public static Map<String, long[]> requiredShapes(SpikeBertConfig config) {
        long h = config.hiddenSize();
        long i = config.intermediateSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(WORD_EMBEDDINGS, shape(config.vocabSize(), h));
        m.put(POSITION_EMBEDDINGS, shape(config.maxPositionEmbeddings(), h));
        m.put(TOKEN_TYPE_EMBEDDINGS, shape(config.typeVocabSize(), h));
        m.put("embeddings.LayerNorm.weight", shape(h));
        m.put("embeddings.LayerNorm.bias", shape(h));
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            String p = "encoder.layer." + layer + ".";
            for (String s : new String[] {"query", "key", "value"}) {
                m.put(p + "attention.self." + s + ".weight", shape(h, h));
                m.put(p + "attention.self." + s + ".bias", shape(h));
            }
            m.put(p + "attention.output.dense.weight", shape(h, h));
            m.put(p + "attention.output.dense.bias", shape(h));
            m.put(p + "attention.output.LayerNorm.weight", shape(h));
            m.put(p + "attention.output.LayerNorm.bias", shape(h));
            m.put(p + "intermediate.dense.weight", shape(i, h));
            m.put(p + "intermediate.dense.bias", shape(i));
            m.put(p + "output.dense.weight", shape(h, i));
            m.put(p + "output.dense.bias", shape(h));
            m.put(p + "output.LayerNorm.weight", shape(h));
            m.put(p + "output.LayerNorm.bias", shape(h));
        }
        return m;
    }

    /**
     * Returns the tensors a checkpoint may add: the pooler, the masked-LM head (its decoder is
     * tied to the word embedding, so only its bias is stored) and the next-sentence head.
     *
     * @param config the sizes
     * @return names mapped to shapes
     */
    public static Map<String, long[]> optionalShapes(SpikeBertConfig config) {
        long h = config.hiddenSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("pooler.dense.weight", shape(h, h));
        m.put("pooler.dense.bias", shape(h));
        m.put("cls.predictions.transform.dense.weight", shape(h, h));
        m.put("cls.predictions.transform.dense.bias", shape(h));
        m.put("cls.predictions.transform.LayerNorm.weight", shape(h));
        m.put("cls.predictions.transform.LayerNorm.bias", shape(h));
        m.put("cls.predictions.bias", shape(config.vocabSize()));
        m.put("cls.seq_relationship.weight", shape(2, h));
        m.put("cls.seq_relationship.bias", shape(2));
        return m;
    }

    /**
     * Tells whether a name is one of the BERT parameters above, for any layer index.
     *
     * @param name a Hugging Face parameter name
     * @return true for BERT encoder, pooler and pre-training head parameters
     */
    public static boolean isParameterName(String name) {
        return KNOWN_NAME.matcher(name).matches();
    }

    /**
     * Reads vocab, width, depth, feed-forward width, positions and token types off the tensor
     * shapes; the head count, epsilon and activation cannot be seen in the weights.
     *
     * @param tensors tensors under Hugging Face names
     * @param numAttentionHeads the head count
     * @param layerNormEps the LayerNorm epsilon
     * @param hiddenAct the activation name
     * @return the config, architecture {@code BertModel}
     * @throws CheckpointFormatException if a tensor needed for a size is missing or not 2-D
     */
    public static SpikeBertConfig inferConfig(
            Map<String, HostTensor> tensors, int numAttentionHeads, float layerNormEps, String hiddenAct)
            throws CheckpointFormatException {
        long[] word = matrix(tensors, WORD_EMBEDDINGS);
        long[] position = matrix(tensors, POSITION_EMBEDDINGS);
        long[] tokenType = matrix(tensors, TOKEN_TYPE_EMBEDDINGS);
        long[] intermediate = matrix(tensors, "encoder.layer.0.intermediate.dense.weight");
        try {
            return SpikeBertConfig.builder()
                    .optVocabSize(Math.toIntExact(word[0]))
                    .optHiddenSize(Math.toIntExact(word[1]))
                    .optNumHiddenLayers(countLayers(tensors))
                    .optNumAttentionHeads(numAttentionHeads)
                    .optIntermediateSize(Math.toIntExact(intermediate[0]))
                    .optMaxPositionEmbeddings(Math.toIntExact(position[0]))
                    .optTypeVocabSize(Math.toIntExact(tokenType[0]))
                    .optLayerNormEps(layerNormEps)
                    .optHiddenAct(hiddenAct)
                    .optArchitectures(List.of("BertModel"))
                    .build();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new CheckpointFormatException("Inconsistent BERT sizes: " + e.getMessage(), e);
        }
    }

    /**
     * Returns the model width, from the word embedding.
     *
     * @param tensors tensors under Hugging Face names
     * @return the hidden size
     * @throws CheckpointFormatException if the word embedding is missing or not 2-D
     */
    public static int hiddenSize(Map<String, HostTensor> tensors) throws CheckpointFormatException {
        long hidden = matrix(tensors, WORD_EMBEDDINGS)[1];
        if (hidden < 1 || hidden > Integer.MAX_VALUE) {
            throw new CheckpointFormatException("Word embedding width " + hidden + " is not a plausible hidden size");
        }
        return (int) hidden;
    }

    /**
     * Checks that every required tensor is present with the expected shape and that optional
     * ones, when present, have theirs.
     *
     * @param tensors tensors under Hugging Face names
     * @param config the sizes
     * @throws CheckpointFormatException listing every missing tensor and every wrong shape
     */
    public static void validate(Map<String, HostTensor> tensors, SpikeBertConfig config)
            throws CheckpointFormatException {
        List<String> missing = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        for (Map.Entry<String, long[]> e : requiredShapes(config).entrySet()) {
            HostTensor t = tensors.get(e.getKey());
            if (t == null) {
                missing.add(e.getKey());
            } else {
                checkShape(e.getKey(), t, e.getValue(), wrongShape);
            }
        }
        for (Map.Entry<String, long[]> e : optionalShapes(config).entrySet()) {
            HostTensor t = tensors.get(e.getKey());
            if (t != null) {
                checkShape(e.getKey(), t, e.getValue(), wrongShape);
            }
        }
        if (!missing.isEmpty() || !wrongShape.isEmpty()) {
            StringBuilder msg = new StringBuilder("Checkpoint is not a complete BERT model");
            if (!missing.isEmpty()) {
                msg.append("; ").append(missing.size()).append(" tensors missing: ").append(missing);
            }
            if (!wrongShape.isEmpty()) {
                msg.append("; wrong shapes: ").append(wrongShape);
            }
            throw new CheckpointFormatException(msg.toString());
        }
    }

    private static void checkShape(String name, HostTensor t, long[] expected, List<String> wrong) {
        if (!Arrays.equals(t.shape(), expected)) {
            wrong.add(name + " is " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(expected));
        }
    }

    private static int countLayers(Map<String, HostTensor> tensors) throws CheckpointFormatException {
        int max = -1;
        for (String name : tensors.keySet()) {
            Matcher m = LAYER_INDEX.matcher(name);
            if (m.find()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        if (max < 0) {
            throw new CheckpointFormatException("Checkpoint has no encoder.layer.N tensors");
        }
        // Missing layers below the highest index are reported by validate().
        return max + 1;
    }

    private static long[] matrix(Map<String, HostTensor> tensors, String name) throws CheckpointFormatException {
        HostTensor t = tensors.get(name);
        if (t == null) {
            throw new CheckpointFormatException(
                    "Checkpoint is not a BERT model: tensor " + name + " is missing (found "
                            + tensors.size() + " BERT tensors)");
        }
        long[] s = t.shape();
        if (s.length != 2) {
            throw new CheckpointFormatException(name + " should be 2-D but has shape " + Arrays.toString(s));
        }
        return s;
    }

    private static long[] shape(long... dims) {
        return dims;
    }

    /**
     * Orders tensors as Hugging Face lists them: embeddings, layers in order, pooler, heads, then
     * anything else by name.
     *
     * @param found tensors under Hugging Face names
     * @return the same tensors in that order
     */
    static Map<String, HostTensor> canonicalOrder(Map<String, HostTensor> found) {
        Map<String, HostTensor> ordered = new LinkedHashMap<>();
        found.keySet().stream()
                .sorted(Comparator.comparingLong(BertLayout::orderKey).thenComparing(Comparator.naturalOrder()))
                .forEach(name -> ordered.put(name, found.get(name)));
        return ordered;
    }

    /** Sort key: group (embeddings, layers, heads, other), layer index, position in its list. */
    private static long orderKey(String name) {
        int embedding = EMBEDDING_NAMES.indexOf(name);
        if (embedding >= 0) {
            return embedding;
        }
        Matcher m = LAYER_INDEX.matcher(name);
        if (m.find()) {
            int suffix = LAYER_SUFFIXES.indexOf(name.substring(m.end()));
            return (1L << 40) + (Long.parseLong(m.group(1)) << 8) + (suffix < 0 ? 255 : suffix);
        }
        int head = HEAD_NAMES.indexOf(name);
        return head >= 0 ? (2L << 40) + head : 3L << 40;
    }
}
