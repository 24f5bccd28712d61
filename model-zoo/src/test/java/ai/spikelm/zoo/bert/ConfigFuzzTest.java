package ai.spikelm.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.spikelm.zoo.core.InvalidConfigException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of a corpus of real {@code config.json} files: every case must end in a config
 * or an {@link InvalidConfigException}, never another exception (and a parsed config must survive
 * its own round trip).
 */
class ConfigFuzzTest {

    private static final List<String> CORPUS =
            List.of(
                    // bert-base-uncased
                    "{\"architectures\":[\"BertForMaskedLM\"],\"attention_probs_dropout_prob\":0.1,\"hidden_act\":\"gelu\","
                            + "\"hidden_dropout_prob\":0.1,\"hidden_size\":768,\"initializer_range\":0.02,\"intermediate_size\":3072,"
                            + "\"layer_norm_eps\":1e-12,\"max_position_embeddings\":512,\"model_type\":\"bert\",\"num_attention_heads\":12,"
                            + "\"num_hidden_layers\":12,\"pad_token_id\":0,\"type_vocab_size\":2,\"vocab_size\":30522}",
                    // all-MiniLM-L6-v2
                    "{\"_name_or_path\":\"nreimers/MiniLM-L6-H384-uncased\",\"architectures\":[\"BertModel\"],"
                            + "\"attention_probs_dropout_prob\":0.1,\"gradient_checkpointing\":false,\"hidden_act\":\"gelu\","
                            + "\"hidden_dropout_prob\":0.1,\"hidden_size\":384,\"initializer_range\":0.02,\"intermediate_size\":1536,"
                            + "\"layer_norm_eps\":1e-12,\"max_position_embeddings\":512,\"model_type\":\"bert\",\"num_attention_heads\":12,"
                            + "\"num_hidden_layers\":6,\"pad_token_id\":0,\"position_embedding_type\":\"absolute\","
                            + "\"transformers_version\":\"4.8.2\",\"type_vocab_size\":2,\"use_cache\":true,\"vocab_size\":30522}",
                    // a SpikeLM classifier
                    "{\"architectures\":[\"BertForSequenceClassification\"],\"model_type\":\"bert\",\"vocab_size\":30522,"
                            + "\"hidden_size\":384,\"num_hidden_layers\":6,\"num_attention_heads\":12,\"intermediate_size\":1536,"
                            + "\"id2label\":{\"0\":\"negative\",\"1\":\"positive\"},\"label2id\":{\"negative\":0,\"positive\":1},"
                            + "\"spikelm\":{\"spiking\":true,\"time_steps\":4,\"reset_mode\":\"reference\",\"decay\":0.25,"
                            + "\"alpha_multiplier\":2.0,\"alpha_learnable\":false,\"spike_sites\":[\"query\",\"key\"]}}");

    private static final String ALPHABET = "{}[]\":,0123456789.-eE truefalsnul\\abcdxyz_";

    @Test
    void mutatedConfigsEndInAConfigOrAClearError() {
        Random random = new Random(20261129);
        int parsed = 0;
        int rejected = 0;
        int cases = 3000;
        for (int i = 0; i < cases; i++) {
            String json = mutate(CORPUS.get(i % CORPUS.size()), random);
            try {
                SpikeBertConfig config = SpikeBertConfig.parse(json);
                SpikeBertConfig again = SpikeBertConfig.parse(config.toJson());
                assertTrue(config.equals(again), "round trip of " + json);
                parsed++;
            } catch (InvalidConfigException e) {
                rejected++;
            } catch (RuntimeException | StackOverflowError e) {
                fail("case " + i + " threw " + e + " for " + json, e);
            }
        }
        System.out.printf("config.json fuzz: %d cases, %d parsed, %d rejected%n", cases, parsed, rejected);
        assertTrue(parsed > 0 && rejected > 0);
    }

    private static String mutate(String json, Random random) {
        StringBuilder s = new StringBuilder(json);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && s.length() > 0; e++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(6)) {
                case 0:
                    s.deleteCharAt(at);
                    break;
                case 1:
                    s.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    break;
                case 2:
                    s.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    break;
                case 3:
                    s.setLength(at); // truncation
                    break;
                case 4:
                    // numbers that are too big, negative or fractional
                    String[] numbers = {"-1", "0", "1e309", "99999999999", "3.5", "2147483648", "NaN"};
                    int digit = s.indexOf(":", at);
                    if (digit >= 0) {
                        s.insert(digit + 1, numbers[random.nextInt(numbers.length)]);
                    }
                    break;
                default:
                    // deep nesting
                    s.insert(at, "[".repeat(1 + random.nextInt(3000)));
                    break;
            }
        }
        return s.toString();
    }
}
