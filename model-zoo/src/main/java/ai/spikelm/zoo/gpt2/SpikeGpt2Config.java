package ai.spikelm.zoo.gpt2;

import static ai.spikelm.zoo.core.ConfigChecks.requireAtMost;
import static ai.spikelm.zoo.core.ConfigChecks.requirePositive;
import static ai.spikelm.zoo.core.ConfigChecks.requireProbability;

import ai.spikelm.zoo.core.Activations;
import ai.spikelm.zoo.core.ConfigFields;
import ai.spikelm.zoo.core.ConfigJson;
import ai.spikelm.zoo.core.InvalidConfigException;
import ai.spikelm.zoo.core.ModelCost;
import ai.spikelm.zoo.core.ModelCost.Field;
import ai.spikelm.zoo.core.SpikingConfig;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A SpikeLM-GPT-2 configuration: the Hugging Face {@code GPT2Config} fields plus the SpikeLM
 * settings ({@link SpikingConfig}, under {@code "spikelm"}).
 *
 * <p>Reading is strict, as for {@link ai.spikelm.zoo.bert.SpikeBertConfig}: a missing required
 * field ({@code vocab_size}, {@code n_positions}, {@code n_embd}, {@code n_layer}, {@code n_head}),
 * a wrong type, an inconsistent value ({@code n_embd} not divisible by {@code n_head}, {@code n_ctx}
 * ≠ {@code n_positions}, a token id outside the vocabulary) or an unknown field is an {@link
 * InvalidConfigException} naming the field. Settings this implementation does not have are refused
 * rather than ignored: an untied LM head ({@code tie_word_embeddings: false}), unscaled attention
 * ({@code scale_attn_weights: false}), {@code scale_attn_by_inverse_layer_idx: true} and cross
 * attention. Hugging Face bookkeeping ({@code architectures}, {@code transformers_version}, the
 * {@code summary_*} fields of the double-heads model, generation defaults, ...) is accepted.
 *
 * <p>{@code bos_token_id} and {@code eos_token_id} default to 50256 as in Hugging Face; a model with
 * a smaller vocabulary must name its own (or {@code null}).
 */
public final class SpikeGpt2Config {

    /** The {@code model_type} this family reads. */
    public static final String MODEL_TYPE = "gpt2";

    /** The {@code bos_token_id} and {@code eos_token_id} Hugging Face assumes when absent. */
    public static final int GPT2_END_OF_TEXT = 50256;

    /**
     * The spike sites of a layer, the names used in {@code spikelm.spike_sites}: the inputs of the
     * four spiking linear layers ({@code attn.c_attn}, {@code attn.c_proj}, {@code mlp.c_fc},
     * {@code mlp.c_proj}) and the single-step spikes of the keys and values.
     */
    public static final List<String> SPIKE_SITES =
            List.of(
                    "attn.c_attn",
                    "attn.key_states",
                    "attn.value_states",
                    "attn.c_proj",
                    "mlp.c_fc",
                    "mlp.c_proj");

    private static final String[] BOOKKEEPING = {
        "architectures", "transformers_version", "torch_dtype", "dtype", "gradient_checkpointing", "use_cache",
        "_name_or_path", "finetuning_task", "output_past", "output_attentions", "output_hidden_states",
        "return_dict", "torchscript", "task_specific_params", "is_encoder_decoder", "is_decoder",
        "chunk_size_feed_forward", "tokenizer_class", "prefix", "sep_token_id", "decoder_start_token_id",
        "problem_type", "id2label", "label2id", "num_labels", "_num_labels",
        // GPT2DoubleHeadsModel / GPT2ForSequenceClassification heads, which this family does not build
        "summary_type", "summary_use_proj", "summary_activation", "summary_proj_to_labels",
        "summary_first_dropout",
        // generation defaults that old configs carry; generation has its own settings
        "max_length", "min_length", "do_sample", "early_stopping", "num_beams", "num_beam_groups",
        "diversity_penalty", "temperature", "top_k", "top_p", "typical_p", "repetition_penalty",
        "length_penalty", "no_repeat_ngram_size", "encoder_no_repeat_ngram_size", "bad_words_ids",
        "num_return_sequences", "forced_bos_token_id", "forced_eos_token_id", "remove_invalid_values",
        "exponential_decay_length_penalty", "suppress_tokens", "begin_suppress_tokens",
        "tf_legacy_loss", "use_bfloat16", "cross_attention_hidden_size", "tie_encoder_decoder",
        "return_dict_in_generate", "output_scores"
    };

    private final int vocabSize;
    private final int nPositions;
    private final int nEmbd;
    private final int nLayer;
    private final int nHead;
    private final Integer nInner;
    private final String activationFunction;
    private final float residPdrop;
    private final float embdPdrop;
    private final float attnPdrop;
    private final float layerNormEpsilon;
    private final float initializerRange;
    private final Integer bosTokenId;
    private final Integer eosTokenId;
    private final Integer padTokenId;
    private final List<String> architectures;
    private final SpikingConfig spiking;

    private SpikeGpt2Config(Builder b) {
        this.vocabSize = b.vocabSize;
        this.nPositions = b.nPositions;
        this.nEmbd = b.nEmbd;
        this.nLayer = b.nLayer;
        this.nHead = b.nHead;
        this.nInner = b.nInner;
        this.activationFunction = Objects.requireNonNull(b.activationFunction, "activation_function");
        this.residPdrop = b.residPdrop;
        this.embdPdrop = b.embdPdrop;
        this.attnPdrop = b.attnPdrop;
        this.layerNormEpsilon = b.layerNormEpsilon;
        this.initializerRange = b.initializerRange;
        this.bosTokenId = b.bosTokenId;
        this.eosTokenId = b.eosTokenId;
        this.padTokenId = b.padTokenId;
        this.architectures = List.copyOf(b.architectures);
        this.spiking = Objects.requireNonNull(b.spiking, "spiking");
        validate();
    }

    private void validate() {
        spiking.requireKnownSites(SPIKE_SITES);
        requirePositive("vocab_size", vocabSize);
        requirePositive("n_positions", nPositions);
        requirePositive("n_embd", nEmbd);
        requirePositive("n_layer", nLayer);
        requirePositive("n_head", nHead);
        if (nInner != null) {
            requirePositive("n_inner", nInner);
        }
        // Bounds far above any real GPT-2, so that a hostile config cannot make us allocate the world.
        requireAtMost("vocab_size", vocabSize, 4_000_000);
        requireAtMost("n_positions", nPositions, 1_048_576);
        requireAtMost("n_embd", nEmbd, 32_768);
        requireAtMost("n_layer", nLayer, 1_024);
        requireAtMost("n_head", nHead, 1_024);
        requireAtMost("n_inner", innerSize(), 262_144);
        requireAtMost("spikelm.time_steps", spiking.timeSteps(), 256);
        if (nEmbd % nHead != 0) {
            throw new InvalidConfigException(
                    "config.json: n_embd (" + nEmbd + ") must be divisible by n_head (" + nHead + ")");
        }
        requireProbability("resid_pdrop", residPdrop);
        requireProbability("embd_pdrop", embdPdrop);
        requireProbability("attn_pdrop", attnPdrop);
        if (!(layerNormEpsilon > 0f) || Float.isInfinite(layerNormEpsilon)) {
            throw new InvalidConfigException(
                    "config.json: field 'layer_norm_epsilon' must be positive and finite, got " + layerNormEpsilon);
        }
        if (!(initializerRange >= 0f) || Float.isInfinite(initializerRange)) {
            throw new InvalidConfigException(
                    "config.json: field 'initializer_range' must be finite and >= 0, got " + initializerRange);
        }
        requireTokenId("bos_token_id", bosTokenId);
        requireTokenId("eos_token_id", eosTokenId);
        requireTokenId("pad_token_id", padTokenId);
        Activations.of(activationFunction);
    }

    private void requireTokenId(String field, Integer id) {
        if (id != null && (id < 0 || id >= vocabSize)) {
            String note =
                    id == GPT2_END_OF_TEXT
                            ? " (50256 is the GPT-2 default when the field is absent: set it, or null, for a smaller vocabulary)"
                            : "";
            throw new InvalidConfigException(
                    "config.json: field '" + field + "' (" + id + ") must be in [0, vocab_size = " + vocabSize + ")" + note);
        }
    }

    /**
     * Reads {@code config.json}.
     *
     * @param file the file
     * @return the config
     * @throws IOException if the file cannot be read
     * @throws InvalidConfigException if the file is not JSON or a field is missing, wrong or unknown
     */
    public static SpikeGpt2Config load(Path file) throws IOException {
        return fromJson(ConfigFields.read(file));
    }

    /**
     * Parses a config from JSON text.
     *
     * @param json the text of a {@code config.json}
     * @return the config
     * @throws InvalidConfigException if the text is not JSON or a field is missing, wrong or unknown
     */
    public static SpikeGpt2Config parse(String json) {
        return fromJson(ConfigFields.parse(json));
    }

    /**
     * Reads a config from parsed fields.
     *
     * @param f the top-level fields
     * @return the config
     * @throws InvalidConfigException if a field is missing, wrong, unknown or inconsistent
     */
    public static SpikeGpt2Config fromJson(ConfigFields f) {
        f.requireModelType(MODEL_TYPE, "SpikeLM-GPT-2");
        f.ignore(BOOKKEEPING);
        Builder b = builder();
        b.vocabSize = f.positiveInt("vocab_size");
        b.nPositions = f.positiveInt("n_positions");
        if (f.has("n_ctx") && f.positiveInt("n_ctx") != b.nPositions) {
            throw f.error(
                    "n_ctx",
                    "(" + f.node().get("n_ctx") + ") must equal n_positions (" + b.nPositions + ") when present");
        }
        b.nEmbd = f.positiveInt("n_embd");
        b.nLayer = f.positiveInt("n_layer");
        b.nHead = f.positiveInt("n_head");
        b.nInner = f.has("n_inner") ? Integer.valueOf(f.positiveInt("n_inner")) : null;
        b.activationFunction =
                f.choice("activation_function", "gelu_new", "gelu_new", "gelu", "gelu_pytorch_tanh", "relu");
        b.residPdrop = (float) f.number("resid_pdrop", 0.1, 0, 1);
        b.embdPdrop = (float) f.number("embd_pdrop", 0.1, 0, 1);
        b.attnPdrop = (float) f.number("attn_pdrop", 0.1, 0, 1);
        b.layerNormEpsilon = (float) f.number("layer_norm_epsilon", 1e-5, Float.MIN_VALUE, 1);
        b.initializerRange = (float) f.number("initializer_range", 0.02, 0, 10);
        b.bosTokenId = f.optionalTokenId("bos_token_id", GPT2_END_OF_TEXT);
        b.eosTokenId = f.optionalTokenId("eos_token_id", GPT2_END_OF_TEXT);
        b.padTokenId = f.optionalTokenId("pad_token_id", null);
        if (!f.bool("tie_word_embeddings", true)) {
            throw f.error("tie_word_embeddings", "must be true: SpikeLM-GPT-2 ties lm_head to transformer.wte");
        }
        if (!f.bool("scale_attn_weights", true)) {
            throw f.error("scale_attn_weights", "must be true: attention scores are always scaled by 1/√d_head");
        }
        if (f.bool("scale_attn_by_inverse_layer_idx", false)) {
            throw f.error("scale_attn_by_inverse_layer_idx", "is not supported (must be false)");
        }
        f.bool("reorder_and_upcast_attn", false); // a float32 implementation detail: same math
        if (f.bool("add_cross_attention", false)) {
            throw f.error("add_cross_attention", "must be false: SpikeLM-GPT-2 is decoder-only");
        }
        if (f.has("pruned_heads") && f.node().get("pruned_heads").size() > 0) {
            throw f.error("pruned_heads", "is not supported (must be empty)");
        }
        b.architectures = f.architectures();
        b.spiking = SpikingConfig.fromJson(f, SPIKE_SITES);
        f.rejectUnknown();
        return b.build();
    }

    /**
     * Writes the config as Hugging Face {@code config.json} text.
     *
     * @return the JSON text
     */
    public String toJson() {
        ObjectNode o = ConfigJson.start(architectures, MODEL_TYPE);
        o.put("vocab_size", vocabSize);
        o.put("n_positions", nPositions);
        o.put("n_embd", nEmbd);
        o.put("n_layer", nLayer);
        o.put("n_head", nHead);
        if (nInner == null) {
            o.putNull("n_inner");
        } else {
            o.put("n_inner", nInner);
        }
        o.put("activation_function", activationFunction);
        o.put("resid_pdrop", residPdrop);
        o.put("embd_pdrop", embdPdrop);
        o.put("attn_pdrop", attnPdrop);
        o.put("layer_norm_epsilon", layerNormEpsilon);
        o.put("initializer_range", initializerRange);
        ConfigJson.putNullable(o, "bos_token_id", bosTokenId);
        ConfigJson.putNullable(o, "eos_token_id", eosTokenId);
        if (padTokenId != null) {
            o.put("pad_token_id", padTokenId);
        }
        o.put("tie_word_embeddings", true);
        o.put("scale_attn_weights", true);
        o.put("use_cache", true);
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
     * Returns what this config implies in memory: the weights of the embeddings and the layers,
     * and for a sequence of {@code n_positions} tokens one layer's activations plus the key/value
     * cache of every layer; loaders check it against the checkpoint before building.
     *
     * @return the cost
     */
    public ModelCost cost() {
        long h = nEmbd;
        long t = spiking.timeSteps();
        Field layers = Field.of("n_layer", nLayer);
        Field hidden = Field.of("n_embd", nEmbd);
        long cache = mul(mul(nLayer, t), mul(nPositions, mul(2 * h, Float.BYTES)));
        long activations = ModelCost.layerActivationBytes(t, nPositions, h, innerSize(), nHead);
        return ModelCost.builder()
                .addWeights("token embeddings", mul(vocabSize, h), Field.of("vocab_size", vocabSize), hidden)
                .addWeights("position embeddings", mul(nPositions, h), Field.of("n_positions", nPositions), hidden)
                .addWeights("attention weights", mul(nLayer, mul(4 * h, h)), layers, hidden)
                .addWeights("feed-forward weights", mul(nLayer, mul(2 * h, innerSize())),
                        layers, Field.of("n_inner", innerSize()), hidden)
                .optActivations("activations and key/value cache",
                        activations > Long.MAX_VALUE - cache ? Long.MAX_VALUE : activations + cache,
                        Field.of("n_positions", nPositions), layers, Field.of("n_head", nHead),
                        Field.of("spikelm.time_steps", t))
                .build();
    }

    private static long mul(long a, long b) {
        return ModelCost.saturatedMultiply(a, b);
    }

    /** @return vocab_size */
    public int vocabSize() {
        return vocabSize;
    }

    /** @return n_positions, the context window */
    public int nPositions() {
        return nPositions;
    }

    /** @return n_embd, the hidden size D */
    public int nEmbd() {
        return nEmbd;
    }

    /** @return n_layer */
    public int nLayer() {
        return nLayer;
    }

    /** @return n_head */
    public int nHead() {
        return nHead;
    }

    /** @return n_embd / n_head */
    public int headSize() {
        return nEmbd / nHead;
    }

    /** @return n_inner as written, or null (meaning 4·n_embd) */
    public Integer nInner() {
        return nInner;
    }

    /** @return the feed-forward width: n_inner, or 4·n_embd when it is null */
    public int innerSize() {
        return nInner != null ? nInner : 4 * nEmbd;
    }

    /** @return activation_function */
    public String activationFunction() {
        return activationFunction;
    }

    /** @return resid_pdrop */
    public float residPdrop() {
        return residPdrop;
    }

    /** @return embd_pdrop */
    public float embdPdrop() {
        return embdPdrop;
    }

    /** @return attn_pdrop */
    public float attnPdrop() {
        return attnPdrop;
    }

    /** @return layer_norm_epsilon */
    public float layerNormEpsilon() {
        return layerNormEpsilon;
    }

    /** @return initializer_range */
    public float initializerRange() {
        return initializerRange;
    }

    /** @return bos_token_id, or null */
    public Integer bosTokenId() {
        return bosTokenId;
    }

    /** @return eos_token_id, or null */
    public Integer eosTokenId() {
        return eosTokenId;
    }

    /** @return pad_token_id, or null */
    public Integer padTokenId() {
        return padTokenId;
    }

    /** @return architectures, possibly empty */
    public List<String> architectures() {
        return architectures;
    }

    /** @return the SpikeLM settings ({@link SpikingConfig#ANN} for a plain GPT-2) */
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
        b.nPositions = nPositions;
        b.nEmbd = nEmbd;
        b.nLayer = nLayer;
        b.nHead = nHead;
        b.nInner = nInner;
        b.activationFunction = activationFunction;
        b.residPdrop = residPdrop;
        b.embdPdrop = embdPdrop;
        b.attnPdrop = attnPdrop;
        b.layerNormEpsilon = layerNormEpsilon;
        b.initializerRange = initializerRange;
        b.bosTokenId = bosTokenId;
        b.eosTokenId = eosTokenId;
        b.padTokenId = padTokenId;
        b.architectures = architectures;
        b.spiking = spiking;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpikeGpt2Config && toJson().equals(((SpikeGpt2Config) o).toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return String.format(
                "SpikeGpt2Config(layers=%d, n_embd=%d, heads=%d, inner=%d, vocab=%d, context=%d, %s)",
                nLayer, nEmbd, nHead, innerSize(), vocabSize, nPositions, spiking);
    }

    /**
     * Returns a builder with GPT-2 small defaults (vocab 50257, context 1024, 12 layers, n_embd
     * 768, 12 heads, gelu_new, dropout 0.1, bos = eos = 50256).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SpikeGpt2Config}; defaults are GPT-2 small. */
    public static final class Builder {
        private int vocabSize = 50257;
        private int nPositions = 1024;
        private int nEmbd = 768;
        private int nLayer = 12;
        private int nHead = 12;
        private Integer nInner;
        private String activationFunction = "gelu_new";
        private float residPdrop = 0.1f;
        private float embdPdrop = 0.1f;
        private float attnPdrop = 0.1f;
        private float layerNormEpsilon = 1e-5f;
        private float initializerRange = 0.02f;
        private Integer bosTokenId = GPT2_END_OF_TEXT;
        private Integer eosTokenId = GPT2_END_OF_TEXT;
        private Integer padTokenId;
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
         * Sets {@code n_positions}.
         *
         * @param v n_positions
         * @return this builder
         */
        public Builder optNPositions(int v) {
            this.nPositions = v;
            return this;
        }

        /**
         * Sets {@code n_embd}.
         *
         * @param v n_embd
         * @return this builder
         */
        public Builder optNEmbd(int v) {
            this.nEmbd = v;
            return this;
        }

        /**
         * Sets {@code n_layer}.
         *
         * @param v n_layer
         * @return this builder
         */
        public Builder optNLayer(int v) {
            this.nLayer = v;
            return this;
        }

        /**
         * Sets {@code n_head}.
         *
         * @param v n_head
         * @return this builder
         */
        public Builder optNHead(int v) {
            this.nHead = v;
            return this;
        }

        /**
         * Sets {@code n_inner}.
         *
         * @param v n_inner, or null for 4·n_embd
         * @return this builder
         */
        public Builder optNInner(Integer v) {
            this.nInner = v;
            return this;
        }

        /**
         * Sets {@code activation_function}.
         *
         * @param v activation_function
         * @return this builder
         */
        public Builder optActivationFunction(String v) {
            this.activationFunction = v;
            return this;
        }

        /**
         * Sets {@code resid_pdrop}.
         *
         * @param v resid_pdrop
         * @return this builder
         */
        public Builder optResidPdrop(float v) {
            this.residPdrop = v;
            return this;
        }

        /**
         * Sets {@code embd_pdrop}.
         *
         * @param v embd_pdrop
         * @return this builder
         */
        public Builder optEmbdPdrop(float v) {
            this.embdPdrop = v;
            return this;
        }

        /**
         * Sets {@code attn_pdrop}.
         *
         * @param v attn_pdrop
         * @return this builder
         */
        public Builder optAttnPdrop(float v) {
            this.attnPdrop = v;
            return this;
        }

        /**
         * Sets all three dropout probabilities (resid, embd, attn).
         *
         * @param v the probability
         * @return this
         */
        public Builder optDropout(float v) {
            this.residPdrop = v;
            this.embdPdrop = v;
            this.attnPdrop = v;
            return this;
        }

        /**
         * Sets {@code layer_norm_epsilon}.
         *
         * @param v layer_norm_epsilon
         * @return this builder
         */
        public Builder optLayerNormEpsilon(float v) {
            this.layerNormEpsilon = v;
            return this;
        }

        /**
         * Sets {@code initializer_range}.
         *
         * @param v initializer_range
         * @return this builder
         */
        public Builder optInitializerRange(float v) {
            this.initializerRange = v;
            return this;
        }

        /**
         * Sets {@code bos_token_id}.
         *
         * @param v bos_token_id, or null
         * @return this builder
         */
        public Builder optBosTokenId(Integer v) {
            this.bosTokenId = v;
            return this;
        }

        /**
         * Sets {@code eos_token_id}.
         *
         * @param v eos_token_id, or null
         * @return this builder
         */
        public Builder optEosTokenId(Integer v) {
            this.eosTokenId = v;
            return this;
        }

        /**
         * Sets {@code pad_token_id}.
         *
         * @param v pad_token_id, or null
         * @return this builder
         */
        public Builder optPadTokenId(Integer v) {
            this.padTokenId = v;
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
        public SpikeGpt2Config build() {
            return new SpikeGpt2Config(this);
        }
    }
}
