package ai.spikelm.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.ops.neuron.ResetMode;
import ai.spikelm.zoo.core.InvalidConfigException;
import ai.spikelm.zoo.core.SpikingConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpikeBertConfigTest {

    /** bert-base-uncased's config.json as Hugging Face publishes it. */
    private static final String BERT_BASE =
            "{\"architectures\":[\"BertForMaskedLM\"],\"attention_probs_dropout_prob\":0.1,"
                    + "\"gradient_checkpointing\":false,\"hidden_act\":\"gelu\",\"hidden_dropout_prob\":0.1,"
                    + "\"hidden_size\":768,\"initializer_range\":0.02,\"intermediate_size\":3072,"
                    + "\"layer_norm_eps\":1e-12,\"max_position_embeddings\":512,\"model_type\":\"bert\","
                    + "\"num_attention_heads\":12,\"num_hidden_layers\":12,\"pad_token_id\":0,"
                    + "\"position_embedding_type\":\"absolute\",\"transformers_version\":\"4.6.0.dev0\","
                    + "\"type_vocab_size\":2,\"use_cache\":true,\"vocab_size\":30522}";

    private static String with(String json, String field) {
        return json.substring(0, json.length() - 1) + "," + field + "}";
    }

    @Test
    void readsAHuggingFaceConfigAsAnAnn() {
        SpikeBertConfig c = SpikeBertConfig.parse(BERT_BASE);
        assertEquals(768, c.hiddenSize());
        assertEquals(12, c.numHiddenLayers());
        assertEquals(64, c.headSize());
        assertEquals(1e-12f, c.layerNormEps());
        assertEquals(List.of("BertForMaskedLM"), c.architectures());
        assertFalse(c.spiking().isSpiking());
        assertEquals(1, c.spiking().timeSteps());
    }

    @Test
    void spikeLmSettingsRoundTrip() {
        String json =
                with(
                        BERT_BASE,
                        "\"spikelm\":{\"time_steps\":4,\"reset_mode\":\"soft\",\"decay\":0.5,"
                                + "\"alpha_multiplier\":3.0,\"alpha_learnable\":true,"
                                + "\"spike_sites\":[\"query\",\"intermediate\"]}");
        SpikeBertConfig c = SpikeBertConfig.parse(json);
        SpikingConfig s = c.spiking();
        assertTrue(s.isSpiking());
        assertEquals(4, s.timeSteps());
        assertTrue(s.spikes("query"));
        assertFalse(s.spikes("key"));
        assertEquals(c, SpikeBertConfig.parse(c.toJson()));
        assertTrue(c.toJson().contains("\"reset_mode\" : \"soft\""), c.toJson());
        assertEquals(ResetMode.SOFT, ((ai.spikelm.ops.neuron.ElasticBiSpikingNeuron) s.neuron("query")).getResetMode());
    }

    @Test
    void labelsAndRegression() {
        SpikeBertConfig c =
                SpikeBertConfig.parse(
                        with(BERT_BASE, "\"id2label\":{\"0\":\"neg\",\"1\":\"pos\"},\"label2id\":{\"neg\":0,\"pos\":1}"));
        assertEquals(Map.of(0, "neg", 1, "pos"), c.id2label());
        assertEquals(2, c.numLabels());
        assertFalse(c.isRegression());
        assertTrue(SpikeBertConfig.parse(with(BERT_BASE, "\"num_labels\":1")).isRegression());
        assertTrue(SpikeBertConfig.parse(with(BERT_BASE, "\"problem_type\":\"regression\"")).isRegression());
    }

    @Test
    void siteFiringRatesRoundTripAndChooseTheSitesRule() {
        String json = with(BERT_BASE, "\"spikelm\":{\"time_steps\":2,\"site_firing_rates\":{\"key_states\":0.2,\"intermediate\":0.3}}");
        SpikeBertConfig c = SpikeBertConfig.parse(json);
        assertEquals(Map.of("intermediate", 0.3f, "key_states", 0.2f), c.spiking().siteFiringRates());
        assertEquals(c, SpikeBertConfig.parse(c.toJson()));
        assertTrue(c.toJson().contains("\"site_firing_rates\""), c.toJson());
        assertTrue(c.spiking().toString().contains("site rates"), c.spiking().toString());
        // Changing a rate changes the settings (equals and hashCode see the map).
        SpikingConfig other = c.spiking().toBuilder().optSiteFiringRates(Map.of("key_states", 0.25f)).build();
        assertFalse(other.equals(c.spiking()));

        assertRejected(with(BERT_BASE, "\"spikelm\":{\"site_firing_rates\":{\"kery_states\":0.2}}"), "kery_states", "known sites");
        assertRejected(with(BERT_BASE, "\"spikelm\":{\"site_firing_rates\":{\"key_states\":1.0}}"), "key_states", "(0, 1)");
        assertRejected(with(BERT_BASE, "\"spikelm\":{\"site_firing_rates\":[0.2]}"), "site_firing_rates");
        InvalidConfigException builderSite =
                assertThrows(
                        InvalidConfigException.class,
                        () -> SpikeBertConfig.builder()
                                .optSpiking(SpikingConfig.builder().optSiteFiringRates(Map.of("keys", 0.2f)).build())
                                .build());
        assertTrue(builderSite.getMessage().contains("'keys'") && builderSite.getMessage().contains("key_states"), builderSite.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpikingConfig.builder().optSiteFiringRates(Map.of("key_states", 0f)));
    }

    @Test
    void sharedQkvAlphaRoundTripsAndNeedsQkvCalibratedAlike() {
        SpikeBertConfig c = SpikeBertConfig.parse(with(BERT_BASE, "\"spikelm\":{\"alpha_learnable\":true,\"shared_qkv_alpha\":true}"));
        assertTrue(c.spiking().sharesQkvAlpha());
        assertEquals(c, SpikeBertConfig.parse(c.toJson()));
        assertTrue(c.spiking().toString().contains("Q/K/V share α"), c.spiking().toString());
        assertFalse(c.spiking().equals(c.spiking().toBuilder().optSharedQkvAlpha(false).build()));
        assertFalse(SpikeBertConfig.parse(with(BERT_BASE, "\"spikelm\":{}")).toJson().contains("shared_qkv_alpha"),
                "absent when false, so files written before it read the same");

        assertRejected(with(BERT_BASE, "\"spikelm\":{\"shared_qkv_alpha\":true,\"spike_sites\":[\"query\",\"intermediate\"]}"),
                "shared_qkv_alpha", "spike_sites");
        assertRejected(with(BERT_BASE, "\"spikelm\":{\"shared_qkv_alpha\":true,\"neuron\":\"lif\"}"), "shared_qkv_alpha", "elastic");
        assertRejected(with(BERT_BASE, "\"spikelm\":{\"shared_qkv_alpha\":true,\"site_firing_rates\":{\"key\":0.3}}"),
                "shared_qkv_alpha", "site_firing_rates");
        assertRejected(with(BERT_BASE, "\"spikelm\":{\"shared_qkv_alpha\":\"yes\"}"), "shared_qkv_alpha");
        // All three with one rate, or none spiking, is fine.
        SpikeBertConfig.parse(with(BERT_BASE, "\"spikelm\":{\"shared_qkv_alpha\":true,\"site_firing_rates\":{\"query\":0.3,\"key\":0.3,\"value\":0.3}}"));
        SpikeBertConfig.parse(with(BERT_BASE, "\"spikelm\":{\"shared_qkv_alpha\":true,\"spike_sites\":[\"intermediate\"]}"));
    }

    private static void assertRejected(String json, String... fragments) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SpikeBertConfig.parse(json));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), e.getMessage());
        }
    }

    @Test
    void badConfigsNameTheField() {
        assertRejected(BERT_BASE.replace("\"model_type\":\"bert\"", "\"model_type\":\"gpt2\""), "model_type", "gpt2");
        assertRejected(BERT_BASE.replace("\"model_type\":\"bert\",", ""), "model_type");
        assertRejected(BERT_BASE.replace("\"hidden_size\":768,", ""), "hidden_size");
        assertRejected(BERT_BASE.replace("\"hidden_size\":768", "\"hidden_size\":770"), "divisible", "num_attention_heads");
        assertRejected(BERT_BASE.replace("\"hidden_size\":768", "\"hidden_size\":\"768\""), "hidden_size", "positive integer");
        assertRejected(BERT_BASE.replace("\"hidden_act\":\"gelu\"", "\"hidden_act\":\"swish\""), "hidden_act");
        assertRejected(with(BERT_BASE, "\"hiden_size\":768"), "unknown field", "hiden_size");
        assertRejected(with(BERT_BASE, "\"spikelm\":{\"time_step\":4}"), "spikelm", "time_step");
        assertRejected(with(BERT_BASE, "\"spikelm\":{\"time_steps\":0}"), "time_steps");
        assertRejected(with(BERT_BASE, "\"spikelm\":{\"reset_mode\":\"sideways\"}"), "reset_mode");
        assertRejected(with(BERT_BASE, "\"spikelm\":{\"spike_sites\":[\"kery\"]}"), "kery", "known sites");
        assertRejected(with(BERT_BASE, "\"spikelm\":{\"target_firing_rate\":1.0}"), "target_firing_rate");
        assertRejected(with(BERT_BASE, "\"id2label\":{\"0\":\"a\",\"2\":\"b\"}"), "id2label");
        assertRejected(with(BERT_BASE, "\"id2label\":{\"0\":\"a\"},\"label2id\":{\"b\":0}"), "label2id");
        assertRejected(with(BERT_BASE, "\"num_labels\":3,\"id2label\":{\"0\":\"a\"}"), "num_labels");
        assertRejected(with(BERT_BASE, "\"is_decoder\":true"), "is_decoder");
        assertRejected(BERT_BASE.replace("\"vocab_size\":30522", "\"vocab_size\":2000000000"), "vocab_size", "limit");
        assertRejected("{not json", "not valid JSON");
        assertRejected("[1,2]", "JSON object");
    }
}
