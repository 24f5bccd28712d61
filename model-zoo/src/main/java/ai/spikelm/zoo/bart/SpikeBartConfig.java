package ai.spikelm.zoo.bart;

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
 * A SpikeLM-BART configuration: the Hugging Face {@code BartConfig} fields plus the SpikeLM
 * settings ({@link SpikingConfig}, under {@code "spikelm"}).
 *
 * <p>Reading is strict, as for the other families: a missing required field ({@code vocab_size},
 * {@code max_position_embeddings}, {@code d_model}, {@code encoder_layers}, {@code decoder_layers},
 * {@code encoder_attention_heads}, {@code decoder_attention_heads}, {@code encoder_ffn_dim}, {@code
 * decoder_ffn_dim}), a wrong type, an inconsistent value ({@code d_model} not divisible by a head
 * count, a token id outside the vocabulary) or an unknown field is an {@link
 * InvalidConfigException} naming the field. Variants this implementation does not build are refused
 * rather than ignored: an untied LM head ({@code tie_word_embeddings: false}) and the settings of
 * old fairseq ports that change the architecture ({@code normalize_before: true}, {@code
 * add_final_layer_norm: true}, {@code normalize_embedding: false}, {@code
 * static_position_embeddings: true}, {@code add_bias_logits: true}, {@code extra_pos_embeddings}
 * other than 2). Hugging Face bookkeeping ({@code architectures}, label maps, generation defaults
 * such as {@code forced_bos_token_id}, {@code forced_eos_token_id}, {@code num_beams}, ...) is
 * accepted. {@code encoder_layerdrop} and {@code decoder_layerdrop} are accepted and validated, but
 * LayerDrop (a training-time regulariser) is not applied.
 *
 * <p>LayerNorm epsilon is 1e-5, fixed as in Hugging Face's BART ({@code nn.LayerNorm}'s default).
 */
public final class SpikeBartConfig {

    /** The {@code model_type} this family reads. */
    public static final String MODEL_TYPE = "bart";

    /** The LayerNorm epsilon of every BART LayerNorm. */
    public static final float LAYER_NORM_EPS = 1e-5f;

    /**
     * The offset of BART's learned positions: position p uses row p + 2 of {@code
     * embed_positions.weight}, which has {@code max_position_embeddings + 2} rows.
     */
    public static final int POSITION_OFFSET = 2;

    /**
     * The spike sites of a layer, the names used in {@code spikelm.spike_sites}: the inputs of the
     * spiking linear layers of self-attention ({@code self_attn.*}, encoder and decoder), of the
     * decoder's cross-attention ({@code encoder_attn.*}) and of the feed-forward network ({@code
     * fc1}, {@code fc2}), and the single-step spikes of the keys and values ({@code *.key_states},
     * {@code *.value_states}).
     */
    public static final List<String> SPIKE_SITES =
            List.of(
                    "self_attn.q_proj",
                    "self_attn.k_proj",
                    "self_attn.v_proj",
                    "self_attn.key_states",
                    "self_attn.value_states",
                    "self_attn.out_proj",
                    "encoder_attn.q_proj",
                    "encoder_attn.k_proj",
                    "encoder_attn.v_proj",
                    "encoder_attn.key_states",
                    "encoder_attn.value_states",
                    "encoder_attn.out_proj",
                    "fc1",
                    "fc2");

    private static final String[] BOOKKEEPING = {
        "architectures", "transformers_version", "torch_dtype", "dtype", "gradient_checkpointing", "use_cache",
        "_name_or_path", "finetuning_task", "output_past", "output_attentions", "output_hidden_states",
        "return_dict", "torchscript", "task_specific_params", "is_encoder_decoder", "is_decoder",
        "chunk_size_feed_forward", "tokenizer_class", "prefix", "sep_token_id", "problem_type", "id2label",
        "label2id", "num_labels", "_num_labels", "classifier_dropout", "classif_dropout",
        "force_bos_token_to_be_generated",
        // generation defaults; generation has its own settings
        "max_length", "min_length", "do_sample", "early_stopping", "num_beams", "num_beam_groups",
        "diversity_penalty", "temperature", "top_k", "top_p", "typical_p", "repetition_penalty",
        "length_penalty", "no_repeat_ngram_size", "encoder_no_repeat_ngram_size", "bad_words_ids",
        "num_return_sequences", "forced_bos_token_id", "forced_eos_token_id", "remove_invalid_values",
        "exponential_decay_length_penalty", "suppress_tokens", "begin_suppress_tokens",
        "tf_legacy_loss", "use_bfloat16", "cross_attention_hidden_size", "tie_encoder_decoder",
        "return_dict_in_generate", "output_scores"
    };

    private final int vocabSize;
    private final int maxPositionEmbeddings;
    private final int dModel;
    private final int encoderLayers;
    private final int decoderLayers;
    private final int encoderAttentionHeads;
    private final int decoderAttentionHeads;
    private final int encoderFfnDim;
    private final int decoderFfnDim;
    private final String activationFunction;
    private final float dropout;
    private final float attentionDropout;
    private final float activationDropout;
    private final float initStd;
    private final boolean scaleEmbedding;
    private final Integer padTokenId;
    private final Integer bosTokenId;
    private final Integer eosTokenId;
    private final Integer decoderStartTokenId;
    private final List<String> architectures;
    private final SpikingConfig spiking;

    private SpikeBartConfig(Builder b) {
        this.vocabSize = b.vocabSize;
        this.maxPositionEmbeddings = b.maxPositionEmbeddings;
        this.dModel = b.dModel;
        this.encoderLayers = b.encoderLayers;
        this.decoderLayers = b.decoderLayers;
        this.encoderAttentionHeads = b.encoderAttentionHeads;
        this.decoderAttentionHeads = b.decoderAttentionHeads;
        this.encoderFfnDim = b.encoderFfnDim;
        this.decoderFfnDim = b.decoderFfnDim;
        this.activationFunction = Objects.requireNonNull(b.activationFunction, "activation_function");
        this.dropout = b.dropout;
        this.attentionDropout = b.attentionDropout;
        this.activationDropout = b.activationDropout;
        this.initStd = b.initStd;
        this.scaleEmbedding = b.scaleEmbedding;
        this.padTokenId = b.padTokenId;
        this.bosTokenId = b.bosTokenId;
        this.eosTokenId = b.eosTokenId;
        this.decoderStartTokenId = b.decoderStartTokenId;
        this.architectures = List.copyOf(b.architectures);
        this.spiking = Objects.requireNonNull(b.spiking, "spiking");
        validate();
    }

    private void validate() {
        spiking.requireKnownSites(SPIKE_SITES);
        if (spiking.sharesQkvAlpha()) {
            // BART's Q, K and V neurons do not share spikes, so one α would buy nothing.
            throw new InvalidConfigException("spikelm.shared_qkv_alpha is a SpikeLM-BERT setting; SpikeLM-BART does not take it");
        }
        requirePositive("vocab_size", vocabSize);
        requirePositive("max_position_embeddings", maxPositionEmbeddings);
        requirePositive("d_model", dModel);
        requirePositive("encoder_layers", encoderLayers);
        requirePositive("decoder_layers", decoderLayers);
        requirePositive("encoder_attention_heads", encoderAttentionHeads);
        requirePositive("decoder_attention_heads", decoderAttentionHeads);
        requirePositive("encoder_ffn_dim", encoderFfnDim);
        requirePositive("decoder_ffn_dim", decoderFfnDim);
        // Bounds far above any real BART, so that a hostile config cannot make us allocate the world.
        requireAtMost("vocab_size", vocabSize, 4_000_000);
        requireAtMost("max_position_embeddings", maxPositionEmbeddings, 1_048_576);
        requireAtMost("d_model", dModel, 32_768);
        requireAtMost("encoder_layers", encoderLayers, 1_024);
        requireAtMost("decoder_layers", decoderLayers, 1_024);
        requireAtMost("encoder_attention_heads", encoderAttentionHeads, 1_024);
        requireAtMost("decoder_attention_heads", decoderAttentionHeads, 1_024);
        requireAtMost("encoder_ffn_dim", encoderFfnDim, 262_144);
        requireAtMost("decoder_ffn_dim", decoderFfnDim, 262_144);
        requireAtMost("spikelm.time_steps", spiking.timeSteps(), 256);
        requireDivisible("encoder_attention_heads", encoderAttentionHeads);
        requireDivisible("decoder_attention_heads", decoderAttentionHeads);
        requireProbability("dropout", dropout);
        requireProbability("attention_dropout", attentionDropout);
        requireProbability("activation_dropout", activationDropout);
        if (!(initStd >= 0f) || Float.isInfinite(initStd)) {
            throw new InvalidConfigException("config.json: field 'init_std' must be finite and >= 0, got " + initStd);
        }
        requireTokenId("pad_token_id", padTokenId);
        requireTokenId("bos_token_id", bosTokenId);
        requireTokenId("eos_token_id", eosTokenId);
        requireTokenId("decoder_start_token_id", decoderStartTokenId);
        Activations.of(activationFunction);
    }

    private void requireDivisible(String field, int heads) {
        if (dModel % heads != 0) {
            throw new InvalidConfigException(
                    "config.json: d_model (" + dModel + ") must be divisible by " + field + " (" + heads + ")");
        }
    }

    private void requireTokenId(String field, Integer id) {
        if (id != null && (id < 0 || id >= vocabSize)) {
            throw new InvalidConfigException(
                    "config.json: field '" + field + "' (" + id + ") must be in [0, vocab_size = " + vocabSize + ")");
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
    public static SpikeBartConfig load(Path file) throws IOException {
        return fromJson(ConfigFields.read(file));
    }

    /**
     * Parses a config from JSON text.
     *
     * @param json the text of a {@code config.json}
     * @return the config
     * @throws InvalidConfigException if the text is not JSON or a field is missing, wrong or unknown
     */
    public static SpikeBartConfig parse(String json) {
        return fromJson(ConfigFields.parse(json));
    }

    /**
     * Reads a config from parsed fields.
     *
     * @param f the top-level fields
     * @return the config
     * @throws InvalidConfigException if a field is missing, wrong, unknown or inconsistent
     */
    public static SpikeBartConfig fromJson(ConfigFields f) {
        f.requireModelType(MODEL_TYPE, "SpikeLM-BART");
        f.ignore(BOOKKEEPING);
        Builder b = builder();
        b.vocabSize = f.positiveInt("vocab_size");
        b.maxPositionEmbeddings = f.positiveInt("max_position_embeddings");
        b.dModel = f.positiveInt("d_model");
        b.encoderLayers = f.positiveInt("encoder_layers");
        b.decoderLayers = f.positiveInt("decoder_layers");
        b.encoderAttentionHeads = f.positiveInt("encoder_attention_heads");
        b.decoderAttentionHeads = f.positiveInt("decoder_attention_heads");
        b.encoderFfnDim = f.positiveInt("encoder_ffn_dim");
        b.decoderFfnDim = f.positiveInt("decoder_ffn_dim");
        if (f.has("num_hidden_layers") && f.positiveInt("num_hidden_layers") != b.encoderLayers) {
            throw f.error(
                    "num_hidden_layers",
                    "(" + f.node().get("num_hidden_layers") + ") must equal encoder_layers (" + b.encoderLayers
                            + ") when present");
        }
        b.activationFunction = f.choice("activation_function", "gelu", "gelu", "gelu_new", "gelu_pytorch_tanh", "relu");
        b.dropout = (float) f.number("dropout", 0.1, 0, 1);
        b.attentionDropout = (float) f.number("attention_dropout", 0.0, 0, 1);
        b.activationDropout = (float) f.number("activation_dropout", 0.0, 0, 1);
        f.number("encoder_layerdrop", 0.0, 0, 1); // a training-time regulariser, not applied
        f.number("decoder_layerdrop", 0.0, 0, 1);
        b.initStd = (float) f.number("init_std", 0.02, 0, 10);
        b.scaleEmbedding = f.bool("scale_embedding", false);
        b.padTokenId = f.optionalTokenId("pad_token_id", 1);
        b.bosTokenId = f.optionalTokenId("bos_token_id", 0);
        b.eosTokenId = f.optionalTokenId("eos_token_id", 2);
        b.decoderStartTokenId = f.optionalTokenId("decoder_start_token_id", 2);
        if (!f.bool("tie_word_embeddings", true)) {
            throw f.error("tie_word_embeddings", "must be true: SpikeLM-BART ties lm_head to model.shared");
        }
        requireLegacy(f, "normalize_before", false, "SpikeLM-BART is post-LayerNorm");
        requireLegacy(f, "add_final_layer_norm", false, "BART has no final encoder/decoder LayerNorm");
        requireLegacy(f, "normalize_embedding", true, "BART normalises its embeddings (layernorm_embedding)");
        requireLegacy(f, "static_position_embeddings", false, "BART's positions are learned");
        requireLegacy(f, "add_bias_logits", false, "the logits bias is final_logits_bias");
        requireLegacy(f, "do_blenderbot_90_layernorm", false, "that is Blenderbot's layout");
        if (f.has("extra_pos_embeddings") && f.nonNegativeInt("extra_pos_embeddings", 0) != POSITION_OFFSET) {
            throw f.error("extra_pos_embeddings", "must be " + POSITION_OFFSET + " (BART's position offset)");
        }
        b.architectures = f.architectures();
        b.spiking = SpikingConfig.fromJson(f, SPIKE_SITES);
        f.rejectUnknown();
        return b.build();
    }

    private static void requireLegacy(ConfigFields f, String name, boolean required, String why) {
        if (f.bool(name, required) != required) {
            throw f.error(name, "must be " + required + ": " + why);
        }
    }

    /**
     * Writes the config as Hugging Face {@code config.json} text.
     *
     * @return the JSON text
     */
    public String toJson() {
        ObjectNode o = ConfigJson.start(architectures, MODEL_TYPE);
        o.put("vocab_size", vocabSize);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("d_model", dModel);
        o.put("encoder_layers", encoderLayers);
        o.put("decoder_layers", decoderLayers);
        o.put("encoder_attention_heads", encoderAttentionHeads);
        o.put("decoder_attention_heads", decoderAttentionHeads);
        o.put("encoder_ffn_dim", encoderFfnDim);
        o.put("decoder_ffn_dim", decoderFfnDim);
        o.put("activation_function", activationFunction);
        o.put("dropout", dropout);
        o.put("attention_dropout", attentionDropout);
        o.put("activation_dropout", activationDropout);
        o.put("init_std", initStd);
        o.put("scale_embedding", scaleEmbedding);
        ConfigJson.putNullable(o, "pad_token_id", padTokenId);
        ConfigJson.putNullable(o, "bos_token_id", bosTokenId);
        ConfigJson.putNullable(o, "eos_token_id", eosTokenId);
        ConfigJson.putNullable(o, "decoder_start_token_id", decoderStartTokenId);
        o.put("is_encoder_decoder", true);
        o.put("tie_word_embeddings", true);
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
     * Returns what this config implies in memory: the weights of the shared embeddings, the
     * position tables and both stacks, and for a sequence of {@code max_position_embeddings} tokens
     * one decoder layer's activations plus the key/value cache of every decoder layer; loaders
     * check it against the checkpoint before building.
     *
     * @return the cost
     */
    public ModelCost cost() {
        long d = dModel;
        long t = spiking.timeSteps();
        long length = maxPositionEmbeddings;
        Field model = Field.of("d_model", dModel);
        long cache = mul(mul(decoderLayers, t), mul(length, mul(4 * d, Float.BYTES)));
        long activations = ModelCost.layerActivationBytes(
                t, length, d, Math.max(encoderFfnDim, decoderFfnDim), Math.max(encoderAttentionHeads, decoderAttentionHeads));
        return ModelCost.builder()
                .addWeights("shared embeddings", mul(vocabSize, d), Field.of("vocab_size", vocabSize), model)
                .addWeights("position embeddings", mul(2 * (length + 2), d),
                        Field.of("max_position_embeddings", maxPositionEmbeddings), model)
                .addWeights("encoder attention weights", mul(encoderLayers, mul(4 * d, d)),
                        Field.of("encoder_layers", encoderLayers), model)
                .addWeights("encoder feed-forward weights", mul(encoderLayers, mul(2 * d, encoderFfnDim)),
                        Field.of("encoder_layers", encoderLayers), Field.of("encoder_ffn_dim", encoderFfnDim), model)
                .addWeights("decoder attention weights", mul(decoderLayers, mul(8 * d, d)),
                        Field.of("decoder_layers", decoderLayers), model)
                .addWeights("decoder feed-forward weights", mul(decoderLayers, mul(2 * d, decoderFfnDim)),
                        Field.of("decoder_layers", decoderLayers), Field.of("decoder_ffn_dim", decoderFfnDim), model)
                .optActivations("activations and key/value cache",
                        activations > Long.MAX_VALUE - cache ? Long.MAX_VALUE : activations + cache,
                        Field.of("max_position_embeddings", maxPositionEmbeddings),
                        Field.of("decoder_layers", decoderLayers), Field.of("spikelm.time_steps", t))
                .build();
    }

    private static long mul(long a, long b) {
        return ModelCost.saturatedMultiply(a, b);
    }

    /** @return vocab_size */
    public int vocabSize() {
        return vocabSize;
    }

    /** @return max_position_embeddings, the longest source and the longest decoded sequence */
    public int maxPositionEmbeddings() {
        return maxPositionEmbeddings;
    }

    /** @return d_model, the hidden size D */
    public int dModel() {
        return dModel;
    }

    /** @return encoder_layers */
    public int encoderLayers() {
        return encoderLayers;
    }

    /** @return decoder_layers */
    public int decoderLayers() {
        return decoderLayers;
    }

    /** @return encoder_attention_heads */
    public int encoderAttentionHeads() {
        return encoderAttentionHeads;
    }

    /** @return decoder_attention_heads */
    public int decoderAttentionHeads() {
        return decoderAttentionHeads;
    }

    /** @return encoder_ffn_dim */
    public int encoderFfnDim() {
        return encoderFfnDim;
    }

    /** @return decoder_ffn_dim */
    public int decoderFfnDim() {
        return decoderFfnDim;
    }

    /** @return activation_function */
    public String activationFunction() {
        return activationFunction;
    }

    /** @return dropout (embeddings, attention outputs, feed-forward outputs) */
    public float dropout() {
        return dropout;
    }

    /** @return attention_dropout (attention probabilities) */
    public float attentionDropout() {
        return attentionDropout;
    }

    /** @return activation_dropout (after the feed-forward activation) */
    public float activationDropout() {
        return activationDropout;
    }

    /** @return init_std */
    public float initStd() {
        return initStd;
    }

    /** @return scale_embedding: whether token embeddings are multiplied by √d_model */
    public boolean scaleEmbedding() {
        return scaleEmbedding;
    }

    /** @return the factor of the token embeddings: √d_model with scale_embedding, else 1 */
    public float embedScale() {
        return scaleEmbedding ? (float) Math.sqrt(dModel) : 1f;
    }

    /** @return pad_token_id, or null */
    public Integer padTokenId() {
        return padTokenId;
    }

    /** @return bos_token_id, or null */
    public Integer bosTokenId() {
        return bosTokenId;
    }

    /** @return eos_token_id, or null */
    public Integer eosTokenId() {
        return eosTokenId;
    }

    /** @return decoder_start_token_id, or null */
    public Integer decoderStartTokenId() {
        return decoderStartTokenId;
    }

    /** @return architectures, possibly empty */
    public List<String> architectures() {
        return architectures;
    }

    /** @return the SpikeLM settings ({@link SpikingConfig#ANN} for a plain BART) */
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
        b.maxPositionEmbeddings = maxPositionEmbeddings;
        b.dModel = dModel;
        b.encoderLayers = encoderLayers;
        b.decoderLayers = decoderLayers;
        b.encoderAttentionHeads = encoderAttentionHeads;
        b.decoderAttentionHeads = decoderAttentionHeads;
        b.encoderFfnDim = encoderFfnDim;
        b.decoderFfnDim = decoderFfnDim;
        b.activationFunction = activationFunction;
        b.dropout = dropout;
        b.attentionDropout = attentionDropout;
        b.activationDropout = activationDropout;
        b.initStd = initStd;
        b.scaleEmbedding = scaleEmbedding;
        b.padTokenId = padTokenId;
        b.bosTokenId = bosTokenId;
        b.eosTokenId = eosTokenId;
        b.decoderStartTokenId = decoderStartTokenId;
        b.architectures = architectures;
        b.spiking = spiking;
        return b;
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        return o instanceof SpikeBartConfig && toJson().equals(((SpikeBartConfig) o).toJson());
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return String.format(
                "SpikeBartConfig(layers=%d+%d, d_model=%d, heads=%d/%d, ffn=%d/%d, vocab=%d, positions=%d, %s)",
                encoderLayers, decoderLayers, dModel, encoderAttentionHeads, decoderAttentionHeads, encoderFfnDim,
                decoderFfnDim, vocabSize, maxPositionEmbeddings, spiking);
    }

    /**
     * Returns a builder with Hugging Face's {@code BartConfig} defaults (bart-large: vocab 50265,
     * 1024 positions, 12 + 12 layers, d_model 1024, 16 heads, FFN 4096, gelu, pad 1, bos 0, eos 2,
     * decoder start 2).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SpikeBartConfig}; defaults are Hugging Face's {@code BartConfig} (bart-large). */
    public static final class Builder {
        private int vocabSize = 50265;
        private int maxPositionEmbeddings = 1024;
        private int dModel = 1024;
        private int encoderLayers = 12;
        private int decoderLayers = 12;
        private int encoderAttentionHeads = 16;
        private int decoderAttentionHeads = 16;
        private int encoderFfnDim = 4096;
        private int decoderFfnDim = 4096;
        private String activationFunction = "gelu";
        private float dropout = 0.1f;
        private float attentionDropout;
        private float activationDropout;
        private float initStd = 0.02f;
        private boolean scaleEmbedding;
        private Integer padTokenId = 1;
        private Integer bosTokenId = 0;
        private Integer eosTokenId = 2;
        private Integer decoderStartTokenId = 2;
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
         * Sets {@code d_model}.
         *
         * @param v d_model
         * @return this builder
         */
        public Builder optDModel(int v) {
            this.dModel = v;
            return this;
        }

        /**
         * Sets encoder_layers and decoder_layers.
         *
         * @param encoder encoder_layers
         * @param decoder decoder_layers
         * @return this
         */
        public Builder optLayers(int encoder, int decoder) {
            this.encoderLayers = encoder;
            this.decoderLayers = decoder;
            return this;
        }

        /**
         * Sets encoder_attention_heads and decoder_attention_heads.
         *
         * @param encoder encoder_attention_heads
         * @param decoder decoder_attention_heads
         * @return this
         */
        public Builder optAttentionHeads(int encoder, int decoder) {
            this.encoderAttentionHeads = encoder;
            this.decoderAttentionHeads = decoder;
            return this;
        }

        /**
         * Sets encoder_ffn_dim and decoder_ffn_dim.
         *
         * @param encoder encoder_ffn_dim
         * @param decoder decoder_ffn_dim
         * @return this
         */
        public Builder optFfnDims(int encoder, int decoder) {
            this.encoderFfnDim = encoder;
            this.decoderFfnDim = decoder;
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
         * Sets {@code dropout}.
         *
         * @param v dropout
         * @return this builder
         */
        public Builder optDropout(float v) {
            this.dropout = v;
            return this;
        }

        /**
         * Sets {@code attention_dropout}.
         *
         * @param v attention_dropout
         * @return this builder
         */
        public Builder optAttentionDropout(float v) {
            this.attentionDropout = v;
            return this;
        }

        /**
         * Sets {@code activation_dropout}.
         *
         * @param v activation_dropout
         * @return this builder
         */
        public Builder optActivationDropout(float v) {
            this.activationDropout = v;
            return this;
        }

        /**
         * Sets {@code init_std}.
         *
         * @param v init_std
         * @return this builder
         */
        public Builder optInitStd(float v) {
            this.initStd = v;
            return this;
        }

        /**
         * Sets {@code scale_embedding}.
         *
         * @param v scale_embedding
         * @return this builder
         */
        public Builder optScaleEmbedding(boolean v) {
            this.scaleEmbedding = v;
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
         * Sets {@code decoder_start_token_id}.
         *
         * @param v decoder_start_token_id, or null
         * @return this builder
         */
        public Builder optDecoderStartTokenId(Integer v) {
            this.decoderStartTokenId = v;
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
        public SpikeBartConfig build() {
            return new SpikeBartConfig(this);
        }
    }
}
