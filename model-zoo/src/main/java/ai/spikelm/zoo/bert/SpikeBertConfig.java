package ai.spikelm.zoo.bert;

import static ai.spikelm.zoo.core.ConfigChecks.requireAtMost;

import ai.spikelm.zoo.core.Activations;
import ai.spikelm.zoo.core.ConfigFields;
import ai.spikelm.zoo.core.ConfigJson;
import ai.spikelm.zoo.core.InvalidConfigException;
import ai.spikelm.zoo.core.ModelCost;
import ai.spikelm.zoo.core.ModelCost.Field;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.SpikingConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A SpikeLM-BERT configuration: the Hugging Face {@code BertConfig} fields plus the SpikeLM
 * settings ({@link SpikingConfig}, under {@code "spikelm"}).
 *
 * <p>Reading is strict: a missing required field, a wrong type, an inconsistent value (hidden
 * size not divisible by heads, label maps that disagree) or an unknown field is an {@link
 * InvalidConfigException} naming the field. Fields that Hugging Face writes for bookkeeping
 * ({@code architectures}, {@code transformers_version}, ...) are accepted.
 */
public final class SpikeBertConfig {

    /** The {@code model_type} this family reads. */
    public static final String MODEL_TYPE = "bert";

    /** The spike sites of a layer, the names used in {@code spikelm.spike_sites}. */
    public static final List<String> SPIKE_SITES =
            List.of(
                    "query",
                    "key",
                    "value",
                    "key_states",
                    "value_states",
                    "attention_output",
                    "intermediate",
                    "output");

    private static final String[] BOOKKEEPING = {
        "architectures", "transformers_version", "torch_dtype", "gradient_checkpointing", "use_cache",
        "_name_or_path", "finetuning_task", "output_past", "bos_token_id", "eos_token_id",
        "tie_word_embeddings", "output_attentions", "output_hidden_states", "return_dict", "torchscript",
        "pruned_heads", "chunk_size_feed_forward", "directionality", "pooler_fc_size", "pooler_num_attention_heads",
        "pooler_num_fc_layers", "pooler_size_per_head", "pooler_type", "sep_token_id", "decoder_start_token_id",
        "task_specific_params", "id2label_note"
    };

    private final int vocabSize;
    private final int hiddenSize;
    private final int numHiddenLayers;
    private final int numAttentionHeads;
    private final int intermediateSize;
    private final String hiddenAct;
    private final float hiddenDropoutProb;
    private final float attentionProbsDropoutProb;
    private final int maxPositionEmbeddings;
    private final int typeVocabSize;
    private final float initializerRange;
    private final float layerNormEps;
    private final int padTokenId;
    private final Map<Integer, String> id2label;
    private final String problemType;
    private final Float classifierDropout;
    private final Pooling classifierPooling;
    private final PairEncoding pairEncoding;
    private final List<String> architectures;
    private final SpikingConfig spiking;

    private SpikeBertConfig(Builder b) {
        this.vocabSize = b.vocabSize;
        this.hiddenSize = b.hiddenSize;
        this.numHiddenLayers = b.numHiddenLayers;
        this.numAttentionHeads = b.numAttentionHeads;
        this.intermediateSize = b.intermediateSize;
        this.hiddenAct = b.hiddenAct;
        this.hiddenDropoutProb = b.hiddenDropoutProb;
        this.attentionProbsDropoutProb = b.attentionProbsDropoutProb;
        this.maxPositionEmbeddings = b.maxPositionEmbeddings;
        this.typeVocabSize = b.typeVocabSize;
        this.initializerRange = b.initializerRange;
        this.layerNormEps = b.layerNormEps;
        this.padTokenId = b.padTokenId;
        this.id2label = Collections.unmodifiableMap(new LinkedHashMap<>(b.id2label));
        this.problemType = b.problemType;
        this.classifierDropout = b.classifierDropout;
        this.classifierPooling = b.classifierPooling;
        this.pairEncoding = b.pairEncoding;
        this.architectures = List.copyOf(b.architectures);
        this.spiking = b.spiking;
        validate();
    }

    private void validate() {
        // Bounds far above any real BERT, so that a hostile config cannot make us allocate the world.
        requireAtMost("vocab_size", vocabSize, 4_000_000);
        requireAtMost("hidden_size", hiddenSize, 32_768);
        requireAtMost("num_hidden_layers", numHiddenLayers, 1_024);
        requireAtMost("num_attention_heads", numAttentionHeads, 1_024);
        requireAtMost("intermediate_size", intermediateSize, 262_144);
        requireAtMost("max_position_embeddings", maxPositionEmbeddings, 1_048_576);
        requireAtMost("type_vocab_size", typeVocabSize, 1_024);
        requireAtMost("spikelm.time_steps", spiking.timeSteps(), 256);
        spiking.requireKnownSites(SPIKE_SITES);
        spiking.requireShareableAlpha(List.of("query", "key", "value"));
        if (hiddenSize % numAttentionHeads != 0) {
            throw new InvalidConfigException(
                    "config.json: hidden_size ("
                            + hiddenSize
                            + ") must be divisible by num_attention_heads ("
                            + numAttentionHeads
                            + ")");
        }
        if (padTokenId >= vocabSize) {
            throw new InvalidConfigException(
                    "config.json: pad_token_id (" + padTokenId + ") must be below vocab_size (" + vocabSize + ")");
        }
        Activations.of(hiddenAct);
    }

    /**
     * Reads {@code config.json}.
     *
     * @param file the file
     * @return the config
     * @throws IOException if the file cannot be read or is not JSON
     * @throws InvalidConfigException if a field is missing, wrong or unknown
     */
    public static SpikeBertConfig load(Path file) throws IOException {
        return fromJson(ConfigFields.read(file));
    }

    /**
     * Reads Google's original {@code bert_config.json}: the same keys as Hugging Face's, without
     * {@code model_type}.
     *
     * @param file the file
     * @return the config
     * @throws IOException if the file cannot be read
     * @throws InvalidConfigException if a field is missing, wrong or unknown
     */
    public static SpikeBertConfig loadGoogle(Path file) throws IOException {
        ConfigFields fields = ConfigFields.read(file);
        if (!fields.node().has("model_type")) {
            fields.node().put("model_type", MODEL_TYPE);
        }
        return fromJson(fields);
    }

    /**
     * Parses a config from JSON text.
     *
     * @param json the text of a {@code config.json}
     * @return the config
     * @throws InvalidConfigException if the text is not JSON or a field is missing, wrong or unknown
     */
    public static SpikeBertConfig parse(String json) {
        return fromJson(ConfigFields.parse(json));
    }

    /**
     * Reads a config from parsed fields.
     *
     * @param f the top-level fields
     * @return the config
     */
    public static SpikeBertConfig fromJson(ConfigFields f) {
        f.requireModelType(MODEL_TYPE, "SpikeLM-BERT");
        f.ignore(BOOKKEEPING);
        Builder b = builder();
        b.vocabSize = f.positiveInt("vocab_size");
        b.hiddenSize = f.positiveInt("hidden_size");
        b.numHiddenLayers = f.positiveInt("num_hidden_layers");
        b.numAttentionHeads = f.positiveInt("num_attention_heads");
        b.intermediateSize = f.positiveInt("intermediate_size");
        b.hiddenAct = f.choice("hidden_act", "gelu", "gelu", "gelu_new", "gelu_pytorch_tanh", "relu");
        b.hiddenDropoutProb = (float) f.number("hidden_dropout_prob", 0.1, 0, 1);
        b.attentionProbsDropoutProb = (float) f.number("attention_probs_dropout_prob", 0.1, 0, 1);
        b.maxPositionEmbeddings = f.positiveInt("max_position_embeddings", 512);
        b.typeVocabSize = f.positiveInt("type_vocab_size", 2);
        b.initializerRange = (float) f.number("initializer_range", 0.02, 0, 10);
        b.layerNormEps = (float) f.number("layer_norm_eps", 1e-12, 0, 1);
        b.padTokenId = f.nonNegativeInt("pad_token_id", 0);
        f.choice("position_embedding_type", "absolute", "absolute");
        if (f.bool("is_decoder", false)) {
            throw f.error("is_decoder", "must be false: SpikeLM-BERT is an encoder");
        }
        if (f.bool("add_cross_attention", false)) {
            throw f.error("add_cross_attention", "must be false: SpikeLM-BERT is an encoder");
        }
        b.id2label = readLabels(f);
        if (f.has("num_labels")) {
            int n = f.positiveInt("num_labels");
            if (b.id2label.isEmpty()) {
                for (int i = 0; i < n; i++) {
                    b.id2label.put(i, "LABEL_" + i);
                }
            } else if (n != b.id2label.size()) {
                throw f.error("num_labels", "is " + n + " but id2label has " + b.id2label.size() + " labels");
            }
        }
        b.problemType =
                f.has("problem_type")
                        ? f.choice(
                                "problem_type",
                                null,
                                "single_label_classification",
                                "multi_label_classification",
                                "regression")
                        : null;
        if (f.has("classifier_dropout")) {
            b.classifierDropout = (float) f.number("classifier_dropout", 0, 0, 1);
        }
        if (f.has("classifier_pooling")) {
            // ModernBERT's key and values: which token vectors the pooler (and so the head) reads.
            b.classifierPooling = Pooling.of(f.choice("classifier_pooling", null, "cls", "mean"));
        }
        if (f.has("pair_encoding")) {
            b.pairEncoding = PairEncoding.of(f.choice("pair_encoding", null, "cross", "siamese"));
        }
        b.architectures = f.architectures();
        b.spiking = SpikingConfig.fromJson(f, SPIKE_SITES);
        f.rejectUnknown();
        return b.build();
    }

    private static Map<Integer, String> readLabels(ConfigFields f) {
        Map<Integer, String> labels = new LinkedHashMap<>();
        ConfigFields id2label = f.object("id2label");
        if (id2label != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = id2label.node().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw f.error("id2label", "keys must be integers, got '" + e.getKey() + "'");
                }
                if (!e.getValue().isTextual()) {
                    throw f.error("id2label", "values must be strings, got " + e.getValue());
                }
                labels.put(id, e.getValue().asText());
            }
            for (int i = 0; i < labels.size(); i++) {
                if (!labels.containsKey(i)) {
                    throw f.error("id2label", "must number labels 0.." + (labels.size() - 1) + ", missing " + i);
                }
            }
        }
        ConfigFields label2id = f.object("label2id");
        if (label2id != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = label2id.node().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().canConvertToInt() || !e.getKey().equals(labels.get(e.getValue().asInt()))) {
                    throw f.error("label2id", "disagrees with id2label at '" + e.getKey() + "'");
                }
            }
        }
        return labels;
    }

    /**
     * Writes the config as Hugging Face {@code config.json} text.
     *
     * @return the JSON text
     */
    public String toJson() {
        ObjectNode o = ConfigJson.start(architectures, MODEL_TYPE);
        o.put("vocab_size", vocabSize);
        o.put("hidden_size", hiddenSize);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("intermediate_size", intermediateSize);
        o.put("hidden_act", hiddenAct);
        o.put("hidden_dropout_prob", hiddenDropoutProb);
        o.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("type_vocab_size", typeVocabSize);
        o.put("initializer_range", initializerRange);
        o.put("layer_norm_eps", layerNormEps);
        o.put("pad_token_id", padTokenId);
        o.put("position_embedding_type", "absolute");
        if (!id2label.isEmpty()) {
            ObjectNode ids = o.putObject("id2label");
            ObjectNode labels = o.putObject("label2id");
            id2label.forEach(
                    (id, label) -> {
                        ids.put(Integer.toString(id), label);
                        labels.put(label, id);
                    });
        }
        if (problemType != null) {
            o.put("problem_type", problemType);
        }
        if (classifierDropout != null) {
            o.put("classifier_dropout", classifierDropout);
        }
        if (classifierPooling != Pooling.CLS) {
            o.put("classifier_pooling", classifierPooling.name().toLowerCase(Locale.ROOT));
        }
        if (pairEncoding != PairEncoding.CROSS) {
            o.put("pair_encoding", pairEncoding.jsonName());
        }
        spiking.toJson(o);
        return ConfigJson.text(o);
    }

    /**
     * Writes {@code config.json} into a directory.
     *
     * @param dir the model directory
     * @throws IOException if the file cannot be written
     */
    public void save(Path dir) throws IOException {
        ConfigJson.save(dir, toJson());
    }

    /**
     * Returns what this config implies in memory: the weights of the embeddings and the layers
     * (heads are left out), and one layer's activations for a sequence of {@code
     * max_position_embeddings} tokens; loaders check it against the checkpoint before building.
     *
     * @return the cost
     */
    public ModelCost cost() {
        long h = hiddenSize;
        Field layers = Field.of("num_hidden_layers", numHiddenLayers);
        Field hidden = Field.of("hidden_size", hiddenSize);
        return ModelCost.builder()
                .addWeights("word embeddings", mul(vocabSize, h), Field.of("vocab_size", vocabSize), hidden)
                .addWeights("position embeddings", mul(maxPositionEmbeddings, h),
                        Field.of("max_position_embeddings", maxPositionEmbeddings), hidden)
                .addWeights("token type embeddings", mul(typeVocabSize, h), Field.of("type_vocab_size", typeVocabSize), hidden)
                .addWeights("attention weights", mul(numHiddenLayers, mul(4 * h, h)), layers, hidden)
                .addWeights("feed-forward weights", mul(numHiddenLayers, mul(2 * h, intermediateSize)),
                        layers, Field.of("intermediate_size", intermediateSize), hidden)
                .optActivations("activations of one layer",
                        ModelCost.layerActivationBytes(spiking.timeSteps(), maxPositionEmbeddings, h, intermediateSize,
                                numAttentionHeads),
                        Field.of("max_position_embeddings", maxPositionEmbeddings),
                        Field.of("num_attention_heads", numAttentionHeads), Field.of("intermediate_size", intermediateSize),
                        Field.of("spikelm.time_steps", spiking.timeSteps()))
                .build();
    }

    private static long mul(long a, long b) {
        return ModelCost.saturatedMultiply(a, b);
    }

    /** @return vocab_size */
    public int vocabSize() {
        return vocabSize;
    }

    /** @return hidden_size */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** @return num_hidden_layers */
    public int numHiddenLayers() {
        return numHiddenLayers;
    }

    /** @return num_attention_heads */
    public int numAttentionHeads() {
        return numAttentionHeads;
    }

    /** @return hidden_size / num_attention_heads */
    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    /** @return intermediate_size */
    public int intermediateSize() {
        return intermediateSize;
    }

    /** @return hidden_act */
    public String hiddenAct() {
        return hiddenAct;
    }

    /** @return hidden_dropout_prob */
    public float hiddenDropoutProb() {
        return hiddenDropoutProb;
    }

    /** @return attention_probs_dropout_prob */
    public float attentionProbsDropoutProb() {
        return attentionProbsDropoutProb;
    }

    /** @return max_position_embeddings */
    public int maxPositionEmbeddings() {
        return maxPositionEmbeddings;
    }

    /** @return type_vocab_size */
    public int typeVocabSize() {
        return typeVocabSize;
    }

    /** @return initializer_range */
    public float initializerRange() {
        return initializerRange;
    }

    /** @return layer_norm_eps */
    public float layerNormEps() {
        return layerNormEps;
    }

    /** @return pad_token_id */
    public int padTokenId() {
        return padTokenId;
    }

    /** @return id2label, empty when the config has no labels */
    public Map<Integer, String> id2label() {
        return id2label;
    }

    /** @return the number of labels (1 for regression), 2 when the config names none */
    public int numLabels() {
        return id2label.isEmpty() ? 2 : id2label.size();
    }

    /** @return true when the classification head is a regression (problem_type or one label) */
    public boolean isRegression() {
        return "regression".equals(problemType) || (problemType == null && id2label.size() == 1);
    }

    /** @return problem_type, or null */
    public String problemType() {
        return problemType;
    }

    /** @return classifier_dropout if set, else hidden_dropout_prob */
    public float classifierDropout() {
        return classifierDropout != null ? classifierDropout : hiddenDropoutProb;
    }

    /**
     * Returns what the pooler reads ({@code classifier_pooling}, as ModernBERT names it): {@link
     * Pooling#CLS}, BERT's first token (the default), or {@link Pooling#MEAN}, the mean of the real
     * tokens. The pooler's dense layer and tanh follow either way.
     *
     * @return CLS or MEAN
     */
    public Pooling classifierPooling() {
        return classifierPooling;
    }

    /**
     * Returns how a sequence classifier reads sentence pairs ({@code pair_encoding}): {@link
     * PairEncoding#CROSS}, BERT's one sequence (the default), or {@link PairEncoding#SIAMESE}, each
     * sentence on its own.
     *
     * @return the pair encoding
     */
    public PairEncoding pairEncoding() {
        return pairEncoding;
    }

    /** @return architectures, possibly empty */
    public List<String> architectures() {
        return architectures;
    }

    /** @return the SpikeLM settings ({@link SpikingConfig#ANN} for a plain BERT) */
    public SpikingConfig spiking() {
        return spiking;
    }

    /**
     * Returns a builder initialised with this config.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.vocabSize = vocabSize;
        b.hiddenSize = hiddenSize;
        b.numHiddenLayers = numHiddenLayers;
        b.numAttentionHeads = numAttentionHeads;
        b.intermediateSize = intermediateSize;
        b.hiddenAct = hiddenAct;
        b.hiddenDropoutProb = hiddenDropoutProb;
        b.attentionProbsDropoutProb = attentionProbsDropoutProb;
        b.maxPositionEmbeddings = maxPositionEmbeddings;
        b.typeVocabSize = typeVocabSize;
        b.initializerRange = initializerRange;
        b.layerNormEps = layerNormEps;
        b.padTokenId = padTokenId;
        b.id2label = new LinkedHashMap<>(id2label);
        b.problemType = problemType;
        b.classifierDropout = classifierDropout;
        b.classifierPooling = classifierPooling;
        b.pairEncoding = pairEncoding;
        b.architectures = architectures;
        b.spiking = spiking;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpikeBertConfig && toJson().equals(((SpikeBertConfig) o).toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return String.format(
                "SpikeBertConfig(layers=%d, hidden=%d, heads=%d, ffn=%d, vocab=%d, %s)",
                numHiddenLayers, hiddenSize, numAttentionHeads, intermediateSize, vocabSize, spiking);
    }

    /**
     * Returns a builder with BERT-base defaults (vocab 30522, 12 layers, hidden 768, 12 heads, FFN
     * 3072).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SpikeBertConfig}; defaults are BERT-base. */
    public static final class Builder {
        private int vocabSize = 30522;
        private int hiddenSize = 768;
        private int numHiddenLayers = 12;
        private int numAttentionHeads = 12;
        private int intermediateSize = 3072;
        private String hiddenAct = "gelu";
        private float hiddenDropoutProb = 0.1f;
        private float attentionProbsDropoutProb = 0.1f;
        private int maxPositionEmbeddings = 512;
        private int typeVocabSize = 2;
        private float initializerRange = 0.02f;
        private float layerNormEps = 1e-12f;
        private int padTokenId;
        private Map<Integer, String> id2label = new LinkedHashMap<>();
        private String problemType;
        private Float classifierDropout;
        private Pooling classifierPooling = Pooling.CLS;
        private PairEncoding pairEncoding = PairEncoding.CROSS;
        private List<String> architectures = List.of();
        private SpikingConfig spiking = SpikingConfig.ANN;

        Builder() {}

        /**
         * Sets {@code vocab_size}.
         *
         * @param v vocab_size
         * @return this builder
         */
        public Builder optVocabSize(int v) {
            this.vocabSize = v;
            return this;
        }

        /**
         * Sets {@code hidden_size}.
         *
         * @param v hidden_size
         * @return this builder
         */
        public Builder optHiddenSize(int v) {
            this.hiddenSize = v;
            return this;
        }

        /**
         * Sets {@code num_hidden_layers}.
         *
         * @param v num_hidden_layers
         * @return this builder
         */
        public Builder optNumHiddenLayers(int v) {
            this.numHiddenLayers = v;
            return this;
        }

        /**
         * Sets {@code num_attention_heads}.
         *
         * @param v num_attention_heads
         * @return this builder
         */
        public Builder optNumAttentionHeads(int v) {
            this.numAttentionHeads = v;
            return this;
        }

        /**
         * Sets {@code intermediate_size}.
         *
         * @param v intermediate_size
         * @return this builder
         */
        public Builder optIntermediateSize(int v) {
            this.intermediateSize = v;
            return this;
        }

        /**
         * Sets {@code hidden_act}.
         *
         * @param v hidden_act
         * @return this builder
         */
        public Builder optHiddenAct(String v) {
            this.hiddenAct = v;
            return this;
        }

        /**
         * Sets {@code hidden_dropout_prob}.
         *
         * @param v hidden_dropout_prob
         * @return this builder
         */
        public Builder optHiddenDropoutProb(float v) {
            this.hiddenDropoutProb = v;
            return this;
        }

        /**
         * Sets {@code attention_probs_dropout_prob}.
         *
         * @param v attention_probs_dropout_prob
         * @return this builder
         */
        public Builder optAttentionProbsDropoutProb(float v) {
            this.attentionProbsDropoutProb = v;
            return this;
        }

        /**
         * Sets {@code max_position_embeddings}.
         *
         * @param v max_position_embeddings
         * @return this builder
         */
        public Builder optMaxPositionEmbeddings(int v) {
            this.maxPositionEmbeddings = v;
            return this;
        }

        /**
         * Sets {@code type_vocab_size}.
         *
         * @param v type_vocab_size
         * @return this builder
         */
        public Builder optTypeVocabSize(int v) {
            this.typeVocabSize = v;
            return this;
        }

        /**
         * Sets {@code layer_norm_eps}.
         *
         * @param v layer_norm_eps
         * @return this builder
         */
        public Builder optLayerNormEps(float v) {
            this.layerNormEps = v;
            return this;
        }

        /**
         * Sets {@code pad_token_id}.
         *
         * @param v pad_token_id
         * @return this builder
         */
        public Builder optPadTokenId(int v) {
            this.padTokenId = v;
            return this;
        }

        /**
         * Sets the labels ({@code id2label}).
         *
         * @param v id → label, in id order
         * @return this builder
         */
        public Builder optId2label(Map<Integer, String> v) {
            this.id2label = new LinkedHashMap<>(v);
            return this;
        }

        /**
         * Sets {@code problem_type}.
         *
         * @param v problem_type, or null
         * @return this builder
         */
        public Builder optProblemType(String v) {
            this.problemType = v;
            return this;
        }

        /**
         * Sets what the pooler reads ({@code classifier_pooling}): the [CLS] token (default) or
         * the mean of the real tokens.
         *
         * @param v {@link Pooling#CLS} or {@link Pooling#MEAN}
         * @return this builder
         * @throws IllegalArgumentException for another pooling
         */
        public Builder optClassifierPooling(Pooling v) {
            if (v != Pooling.CLS && v != Pooling.MEAN) {
                throw new IllegalArgumentException("classifier_pooling must be cls or mean, got " + v);
            }
            this.classifierPooling = v;
            return this;
        }

        /**
         * Sets how a sequence classifier reads sentence pairs ({@code pair_encoding}).
         *
         * @param v {@link PairEncoding#CROSS} (default) or {@link PairEncoding#SIAMESE}
         * @return this builder
         */
        public Builder optPairEncoding(PairEncoding v) {
            this.pairEncoding = Objects.requireNonNull(v, "pair encoding");
            return this;
        }

        /**
         * Sets {@code architectures}.
         *
         * @param v architectures
         * @return this builder
         */
        public Builder optArchitectures(List<String> v) {
            this.architectures = List.copyOf(v);
            return this;
        }

        /**
         * Sets the SpikeLM settings.
         *
         * @param v the SpikeLM settings
         * @return this builder
         */
        public Builder optSpiking(SpikingConfig v) {
            this.spiking = Objects.requireNonNull(v);
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         * @throws InvalidConfigException if it is inconsistent
         */
        public SpikeBertConfig build() {
            return new SpikeBertConfig(this);
        }
    }
}
