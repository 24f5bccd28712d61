package ai.spikelm.zoo.bart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.core.InvalidConfigException;
import ai.spikelm.zoo.core.SpikingConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpikeBartConfigTest {

    /** facebook/bart-base's config.json as Hugging Face publishes it (task_specific_params abridged). */
    static final String BART_BASE =
            "{\"_name_or_path\":\"bart-base\",\"activation_dropout\":0.1,\"activation_function\":\"gelu\","
                    + "\"add_bias_logits\":false,\"add_final_layer_norm\":false,\"architectures\":[\"BartModel\"],"
                    + "\"attention_dropout\":0.1,\"bos_token_id\":0,\"classif_dropout\":0.1,\"classifier_dropout\":0.0,"
                    + "\"d_model\":768,\"decoder_attention_heads\":12,\"decoder_ffn_dim\":3072,\"decoder_layerdrop\":0.0,"
                    + "\"decoder_layers\":6,\"decoder_start_token_id\":2,\"dropout\":0.1,\"early_stopping\":true,"
                    + "\"encoder_attention_heads\":12,\"encoder_ffn_dim\":3072,\"encoder_layerdrop\":0.0,"
                    + "\"encoder_layers\":6,\"eos_token_id\":2,\"forced_bos_token_id\":0,\"forced_eos_token_id\":2,"
                    + "\"gradient_checkpointing\":false,\"id2label\":{\"0\":\"LABEL_0\",\"1\":\"LABEL_1\",\"2\":\"LABEL_2\"},"
                    + "\"init_std\":0.02,\"is_encoder_decoder\":true,\"label2id\":{\"LABEL_0\":0,\"LABEL_1\":1,\"LABEL_2\":2},"
                    + "\"max_position_embeddings\":1024,\"model_type\":\"bart\",\"no_repeat_ngram_size\":3,"
                    + "\"normalize_before\":false,\"normalize_embedding\":true,\"num_beams\":4,\"num_hidden_layers\":6,"
                    + "\"pad_token_id\":1,\"scale_embedding\":false,\"task_specific_params\":{\"summarization\":"
                    + "{\"length_penalty\":1.0,\"max_length\":128,\"min_length\":12,\"num_beams\":4}},"
                    + "\"torch_dtype\":\"float32\",\"transformers_version\":\"4.12.0.dev0\",\"use_cache\":true,"
                    + "\"vocab_size\":50265}";

    private static String with(String json, String field) {
        return json.substring(0, json.length() - 1) + "," + field + "}";
    }

    private static String without(String json, String field) {
        return json.replaceAll("\"" + field + "\":[^,}]*,?", "");
    }

    private static String replaced(String json, String field, String value) {
        return json.replaceAll("\"" + field + "\":[^,}]*", "\"" + field + "\":" + value);
    }

    private static void assertRejected(String json, String... parts) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SpikeBartConfig.parse(json));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should name " + part);
        }
    }

    @Test
    void readsHuggingFaceConfigAsAnAnn() {
        SpikeBartConfig c = SpikeBartConfig.parse(BART_BASE);
        assertEquals(50265, c.vocabSize());
        assertEquals(768, c.dModel());
        assertEquals(6, c.encoderLayers());
        assertEquals(6, c.decoderLayers());
        assertEquals(12, c.encoderAttentionHeads());
        assertEquals(3072, c.decoderFfnDim());
        assertEquals(1024, c.maxPositionEmbeddings());
        assertEquals("gelu", c.activationFunction());
        assertEquals(0.1f, c.activationDropout());
        assertFalse(c.scaleEmbedding());
        assertEquals(1f, c.embedScale());
        assertEquals(1, c.padTokenId());
        assertEquals(0, c.bosTokenId());
        assertEquals(2, c.eosTokenId());
        assertEquals(2, c.decoderStartTokenId());
        assertEquals(List.of("BartModel"), c.architectures());
        assertEquals(SpikingConfig.ANN, c.spiking());
        assertEquals((float) Math.sqrt(768), c.toBuilder().optScaleEmbedding(true).build().embedScale());
    }

    @Test
    void roundTripsWithSpikingSettings() {
        SpikingConfig spiking = SpikingConfig.builder().optTimeSteps(4)
                .optSpikeSites(List.of("fc1", "encoder_attn.k_proj", "self_attn.key_states")).build();
        SpikeBartConfig c = SpikeBartConfig.parse(BART_BASE).toBuilder().optSpiking(spiking).optPadTokenId(null).build();
        SpikeBartConfig again = SpikeBartConfig.parse(c.toJson());
        assertEquals(c, again);
        assertEquals(4, again.spiking().timeSteps());
        assertTrue(again.spiking().spikes("encoder_attn.k_proj"));
        assertFalse(again.spiking().spikes("fc2"));
        assertNull(again.padTokenId());
    }

    @Test
    void strictValidationNamesTheField() {
        assertRejected(replaced(BART_BASE, "model_type", "\"mbart\""), "model_type", "mbart", "bart");
        assertRejected(without(BART_BASE, "model_type"), "model_type");
        assertRejected(replaced(BART_BASE, "encoder_attention_heads", "10"), "d_model", "encoder_attention_heads");
        assertRejected(replaced(BART_BASE, "decoder_attention_heads", "7"), "d_model", "decoder_attention_heads");
        assertRejected(replaced(BART_BASE, "d_model", "0"), "d_model");
        assertRejected(replaced(BART_BASE, "decoder_layers", "-1"), "decoder_layers");
        assertRejected(replaced(BART_BASE, "encoder_ffn_dim", "0"), "encoder_ffn_dim");
        assertRejected(replaced(BART_BASE, "vocab_size", "\"many\""), "vocab_size");
        assertRejected(without(BART_BASE, "max_position_embeddings"), "max_position_embeddings");
        assertRejected(without(BART_BASE, "decoder_ffn_dim"), "decoder_ffn_dim");
        assertRejected(with(BART_BASE, "\"hiden_size\":768"), "unknown", "hiden_size");
        assertRejected(with(BART_BASE, "\"layer_norm_eps\":1e-12"), "unknown", "layer_norm_eps");
        assertRejected(replaced(BART_BASE, "activation_function", "\"swish\""), "activation_function");
        assertRejected(replaced(BART_BASE, "dropout", "1.5"), "dropout");
        assertRejected(replaced(BART_BASE, "decoder_start_token_id", "50265"), "decoder_start_token_id");
        assertRejected(replaced(BART_BASE, "num_hidden_layers", "12"), "num_hidden_layers", "encoder_layers");
        assertRejected(replaced(BART_BASE, "normalize_before", "true"), "normalize_before");
        assertRejected(replaced(BART_BASE, "add_final_layer_norm", "true"), "add_final_layer_norm");
        assertRejected(replaced(BART_BASE, "normalize_embedding", "false"), "normalize_embedding");
        assertRejected(with(BART_BASE, "\"tie_word_embeddings\":false"), "tie_word_embeddings");
        assertRejected(with(BART_BASE, "\"extra_pos_embeddings\":0"), "extra_pos_embeddings");
        assertRejected(with(BART_BASE, "\"spikelm\":{\"time_steps\":4,\"spike_sites\":[\"attn.c_attn\"]}"),
                "spike_sites", "attn.c_attn");
        assertRejected(with(BART_BASE, "\"spikelm\":{\"time_stepz\":4}"), "time_stepz");
        assertRejected(with(BART_BASE, "\"spikelm\":{\"shared_qkv_alpha\":true}"), "shared_qkv_alpha", "SpikeLM-BERT");
        // accepted: old fairseq-port settings at their BART values, generation defaults, layer drop
        SpikeBartConfig.parse(with(BART_BASE, "\"extra_pos_embeddings\":2,\"static_position_embeddings\":false"));
        SpikeBartConfig.parse(replaced(BART_BASE, "encoder_layerdrop", "0.1"));
    }

    @Test
    void builderValidates() {
        assertThrows(InvalidConfigException.class, () -> SpikeBartConfig.builder().optDModel(100).build());
        assertThrows(InvalidConfigException.class, () -> SpikeBartConfig.builder().optLayers(0, 2).build());
        assertThrows(InvalidConfigException.class, () -> SpikeBartConfig.builder().optVocabSize(2).build());
        assertEquals("BartForConditionalGeneration", SpikeBart.architecture(SpikeBartConfig.builder().build()));
        assertThrows(InvalidConfigException.class,
                () -> SpikeBart.create(SpikeBartConfig.builder().build(), "BartForSequenceClassification"));
    }
}
