package ai.spikelm.zoo.gpt2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.nn.Block;
import ai.spikelm.ops.neuron.TernarySpikeQuantizer;
import ai.spikelm.zoo.core.InvalidConfigException;
import ai.spikelm.zoo.core.SpikingConfig;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpikeGpt2ConfigTest {

    /** gpt2's config.json as Hugging Face publishes it. */
    static final String GPT2 =
            "{\"activation_function\":\"gelu_new\",\"architectures\":[\"GPT2LMHeadModel\"],\"attn_pdrop\":0.1,"
                    + "\"bos_token_id\":50256,\"embd_pdrop\":0.1,\"eos_token_id\":50256,\"initializer_range\":0.02,"
                    + "\"layer_norm_epsilon\":1e-05,\"model_type\":\"gpt2\",\"n_ctx\":1024,\"n_embd\":768,\"n_head\":12,"
                    + "\"n_layer\":12,\"n_positions\":1024,\"resid_pdrop\":0.1,\"summary_activation\":null,"
                    + "\"summary_first_dropout\":0.1,\"summary_proj_to_labels\":true,\"summary_type\":\"cls_index\","
                    + "\"summary_use_proj\":true,\"task_specific_params\":{\"text-generation\":{\"do_sample\":true,"
                    + "\"max_length\":50}},\"vocab_size\":50257}";

    /** distilgpt2's config.json: written by a later transformers, with more bookkeeping. */
    static final String DISTILGPT2 =
            "{\"_num_labels\":1,\"activation_function\":\"gelu_new\",\"architectures\":[\"GPT2LMHeadModel\"],"
                    + "\"attn_pdrop\":0.1,\"bos_token_id\":50256,\"embd_pdrop\":0.1,\"eos_token_id\":50256,"
                    + "\"id2label\":{\"0\":\"LABEL_0\"},\"initializer_range\":0.02,\"label2id\":{\"LABEL_0\":0},"
                    + "\"layer_norm_epsilon\":1e-05,\"model_type\":\"gpt2\",\"n_ctx\":1024,\"n_embd\":768,\"n_head\":12,"
                    + "\"n_inner\":null,\"n_layer\":6,\"n_positions\":1024,\"reorder_and_upcast_attn\":false,"
                    + "\"resid_pdrop\":0.1,\"scale_attn_by_inverse_layer_idx\":false,\"scale_attn_weights\":true,"
                    + "\"summary_activation\":null,\"summary_first_dropout\":0.1,\"summary_proj_to_labels\":true,"
                    + "\"summary_type\":\"cls_index\",\"summary_use_proj\":true,\"task_specific_params\":"
                    + "{\"text-generation\":{\"do_sample\":true,\"max_length\":50}},\"transformers_version\":\"4.26.0\","
                    + "\"use_cache\":true,\"vocab_size\":50257}";

    private static String with(String json, String field) {
        return json.substring(0, json.length() - 1) + "," + field + "}";
    }

    private static String without(String json, String field) {
        return json.replaceAll("\"" + field + "\":[^,}]*,?", "");
    }

    private static void assertRejected(String json, String... parts) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SpikeGpt2Config.parse(json));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should name " + part);
        }
    }

    @Test
    void readsHuggingFaceConfigsAsAnAnn() {
        SpikeGpt2Config c = SpikeGpt2Config.parse(GPT2);
        assertEquals(50257, c.vocabSize());
        assertEquals(1024, c.nPositions());
        assertEquals(768, c.nEmbd());
        assertEquals(12, c.nLayer());
        assertEquals(64, c.headSize());
        assertNull(c.nInner());
        assertEquals(3072, c.innerSize(), "n_inner null → 4·n_embd");
        assertEquals("gelu_new", c.activationFunction());
        assertEquals(1e-5f, c.layerNormEpsilon());
        assertEquals(50256, c.eosTokenId());
        assertEquals(List.of("GPT2LMHeadModel"), c.architectures());
        assertFalse(c.spiking().isSpiking());
        assertEquals(c, SpikeGpt2Config.parse(c.toJson()));

        SpikeGpt2Config distil = SpikeGpt2Config.parse(DISTILGPT2);
        assertEquals(6, distil.nLayer());
        assertEquals(3072, distil.innerSize());
    }

    @Test
    void defaultsAreHuggingFaces() {
        String minimal = "{\"model_type\":\"gpt2\",\"vocab_size\":50257,\"n_positions\":1024,\"n_embd\":768,"
                + "\"n_layer\":12,\"n_head\":12}";
        SpikeGpt2Config c = SpikeGpt2Config.parse(minimal);
        assertEquals(SpikeGpt2Config.builder().build(), c);
        assertEquals(0.1f, c.residPdrop());
        assertEquals(0.02f, c.initializerRange());
        assertEquals(50256, c.bosTokenId());
        assertNull(c.padTokenId());
        assertEquals(1000, SpikeGpt2Config.parse(with(minimal, "\"n_inner\":1000")).innerSize());
    }

    @Test
    void spikeLmSettingsUseThisFamilysSites() {
        String json =
                with(GPT2, "\"spikelm\":{\"time_steps\":4,\"spike_sites\":[\"attn.c_attn\",\"attn.key_states\",\"mlp.c_fc\"]}");
        SpikeGpt2Config c = SpikeGpt2Config.parse(json);
        SpikingConfig s = c.spiking();
        assertEquals(4, s.timeSteps());
        assertTrue(s.spikes("attn.c_attn"));
        assertFalse(s.spikes("mlp.c_proj"));
        Block quantizer = s.quantizer("attn.key_states");
        assertTrue(quantizer instanceof TernarySpikeQuantizer);
        assertEquals(c, SpikeGpt2Config.parse(c.toJson()));
        assertRejected(with(GPT2, "\"spikelm\":{\"spike_sites\":[\"query\"]}"), "spike_sites", "'query'", "attn.c_attn");
        assertRejected(with(GPT2, "\"spikelm\":{\"time_steps\":1000}"), "spikelm.time_steps", "256");
        assertRejected(with(GPT2, "\"spikelm\":{\"time_stepz\":4}"), "time_stepz");
    }

    @Test
    void badFieldsAreNamed() {
        assertRejected(with(GPT2, "\"n_embdd\":768"), "unknown field", "n_embdd");
        assertRejected(GPT2.replace("\"model_type\":\"gpt2\"", "\"model_type\":\"bert\""), "model_type", "bert");
        assertRejected(without(GPT2, "model_type"), "model_type");
        assertRejected(without(GPT2, "n_head"), "missing", "n_head");
        assertRejected(GPT2.replace("\"n_head\":12", "\"n_head\":7"), "n_embd (768)", "n_head (7)");
        assertRejected(GPT2.replace("\"n_ctx\":1024", "\"n_ctx\":512"), "n_ctx", "n_positions (1024)");
        assertRejected(GPT2.replace("\"vocab_size\":50257", "\"vocab_size\":100"), "bos_token_id", "50256", "vocab_size");
        assertRejected(GPT2.replace("\"n_embd\":768", "\"n_embd\":\"768\""), "n_embd");
        assertRejected(GPT2.replace("\"n_layer\":12", "\"n_layer\":0"), "n_layer");
        assertRejected(GPT2.replace("\"n_layer\":12", "\"n_layer\":1.5"), "n_layer");
        assertRejected(GPT2.replace("\"attn_pdrop\":0.1", "\"attn_pdrop\":1.5"), "attn_pdrop");
        assertRejected(GPT2.replace("\"resid_pdrop\":0.1", "\"resid_pdrop\":1"), "resid_pdrop", "[0, 1)");
        assertRejected(GPT2.replace("\"layer_norm_epsilon\":1e-05", "\"layer_norm_epsilon\":0"), "layer_norm_epsilon");
        assertRejected(GPT2.replace("gelu_new", "swish"), "activation_function", "swish");
        assertRejected(with(GPT2, "\"tie_word_embeddings\":false"), "tie_word_embeddings");
        assertRejected(with(GPT2, "\"scale_attn_weights\":false"), "scale_attn_weights");
        assertRejected(with(GPT2, "\"scale_attn_by_inverse_layer_idx\":true"), "scale_attn_by_inverse_layer_idx");
        assertRejected(with(GPT2, "\"add_cross_attention\":true"), "add_cross_attention");
        assertRejected(with(GPT2, "\"pruned_heads\":{\"0\":[1]}"), "pruned_heads");
        assertRejected(with(GPT2, "\"n_inner\":-5"), "n_inner");
        assertRejected(with(GPT2, "\"pad_token_id\":70000"), "pad_token_id");
        assertRejected("{\"model_type\":", "not valid JSON");
        assertRejected("[1]", "JSON object");
    }

    @Test
    void sizesHaveBoundsSoAHostileConfigCannotExhaustMemory() {
        assertRejected(GPT2.replace("\"vocab_size\":50257", "\"vocab_size\":2000000000"), "vocab_size", "limit");
        assertRejected(GPT2.replace("\"n_embd\":768", "\"n_embd\":65536").replace("\"n_head\":12", "\"n_head\":16"), "n_embd", "limit");
        assertRejected(GPT2.replace("\"n_layer\":12", "\"n_layer\":5000"), "n_layer", "limit");
        assertRejected(with(GPT2, "\"n_inner\":1000000"), "n_inner", "limit");
        assertRejected(
                GPT2.replace("\"n_positions\":1024", "\"n_positions\":2000000").replace("\"n_ctx\":1024", "\"n_ctx\":2000000"),
                "n_positions", "limit");
    }

    @Test
    void tokenIdsMayBeNullOrMustFitTheVocabulary() {
        String small = "{\"model_type\":\"gpt2\",\"vocab_size\":60,\"n_positions\":32,\"n_embd\":16,\"n_layer\":2,"
                + "\"n_head\":2,\"bos_token_id\":null,\"eos_token_id\":59}";
        SpikeGpt2Config c = SpikeGpt2Config.parse(small);
        assertNull(c.bosTokenId());
        assertEquals(59, c.eosTokenId());
        assertEquals(c, SpikeGpt2Config.parse(c.toJson()));
        assertRejected(small.replace("\"eos_token_id\":59", "\"eos_token_id\":60"), "'eos_token_id' (60)");
        assertRejected(small.replace("\"eos_token_id\":59", "\"eos_token_id\":-1"), "eos_token_id");
        assertRejected(small.replace(",\"bos_token_id\":null", ""), "bos_token_id", "50256 is the GPT-2 default");
    }

    /** Seeded mutations of real configs end in a config (that survives its round trip) or a clear error. */
    @Test
    void mutatedConfigsEndInAConfigOrAClearError() {
        String alphabet = "{}[]\":,0123456789.-eE truefalsnul\\abcdxyz_";
        List<String> corpus = List.of(GPT2, DISTILGPT2, with(GPT2, "\"spikelm\":{\"time_steps\":2,\"neuron\":\"lif\"}"));
        Random random = new Random(20261130);
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < 2000; i++) {
            StringBuilder s = new StringBuilder(corpus.get(i % corpus.size()));
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && s.length() > 0; e++) {
                int at = random.nextInt(s.length());
                switch (random.nextInt(4)) {
                    case 0:
                        s.deleteCharAt(at);
                        break;
                    case 1:
                        s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        break;
                    case 2:
                        s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        break;
                    default:
                        String[] numbers = {"-1", "0", "1e309", "99999999999", "3.5", "2147483648", "null"};
                        int colon = s.indexOf(":", at);
                        if (colon >= 0) {
                            s.insert(colon + 1, numbers[random.nextInt(numbers.length)]);
                        }
                        break;
                }
            }
            String json = s.toString();
            try {
                SpikeGpt2Config config = SpikeGpt2Config.parse(json);
                assertEquals(config, SpikeGpt2Config.parse(config.toJson()), "round trip of " + json);
                parsed++;
            } catch (InvalidConfigException e) {
                rejected++;
            } catch (RuntimeException e) {
                fail("case " + i + " threw " + e + " for " + json, e);
            }
        }
        assertTrue(parsed > 0 && rejected > 0, parsed + " parsed, " + rejected + " rejected");
    }
}
