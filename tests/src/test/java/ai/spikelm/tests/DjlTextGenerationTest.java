package ai.spikelm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.Tokenizers;
import ai.spikelm.zoo.djl.SpikeLmTranslatorFactory;
import ai.spikelm.zoo.family.CausalLmModel;
import ai.spikelm.zoo.family.GenerativeModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelFamily;
import ai.spikelm.zoo.family.ModelKind;
import ai.spikelm.zoo.family.Seq2SeqModel;
import ai.spikelm.zoo.generate.Generator;
import ai.spikelm.zoo.generate.TokenCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Text generation through DJL's Criteria, config-driven through the family registry: a causal LM
 * ({@code model_type gpt2}) continues the prompt, an encoder-decoder ({@code model_type bart})
 * replies to it; both against the Generator run directly. A family that generates nothing is a
 * clear error.
 */
class DjlTextGenerationTest {

    @TempDir static Path dir;

    /** A tiny spiking (T = 2, uncalibrated) byte-level model of each generating family. */
    @BeforeAll
    static void saveTinyByteLevelModels() throws Exception {
        save("gpt2", ModelKind.CAUSAL_LM);
        save("bart", ModelKind.SEQ2SEQ);
    }

    private static void save(String type, ModelKind kind) throws Exception {
        ModelFamily family = ModelFamilies.forModelType(type);
        Path target = dir.resolve(type);
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(11);
            family.create(kind, new ModelShape(257, 64, 32, 2, 4), SpikingConfig.builder().optTimeSteps(2).build(), manager)
                    .save(target);
        }
        Files.writeString(target.resolve("tokenizer.json"), ModelFamilies.forModelType("gpt2").newTokenizerJson().orElseThrow());
    }

    private static ZooModel<String, String> load(String type, Map<String, Object> arguments) throws Exception {
        return Criteria.builder()
                .setTypes(String.class, String.class)
                .optModelPath(dir.resolve(type))
                .optTranslatorFactory(new SpikeLmTranslatorFactory())
                .optArguments(arguments)
                .build()
                .loadModel();
    }

    /**
     * The same text as the Generator run directly on the same weights (greedy and seeded sampling),
     * calibrated as every load path calibrates: on the embedded sample text. Both penalise repeats:
     * a random BART's tied head otherwise echoes its decoder start token, its end-of-sequence token,
     * and greedy decoding would stop at once.
     */
    private static String direct(String type, boolean sample) throws Exception {
        Path model = dir.resolve(type);
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = Tokenizers.untruncated(model.resolve("tokenizer.json"))) {
            GenerativeModel lm = ModelFamilies.loadGenerator(LoadRequest.builder().setModelDir(model).build(), manager);
            Generator.Builder b = Generator.builder(lm).optCodec(TokenCodec.of(tokenizer)).optMaxNewTokens(12).optRepetitionPenalty(5f);
            if (sample) {
                b.optSampling(0.8f).optTopK(40).optSeed(7);
            }
            return b.build().generate(manager, "The state of the").text();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "bart"})
    void greedyAndSeededTextEqualTheGeneratorRunDirectly(String type) throws Exception {
        Class<?> kind = type.equals("gpt2") ? CausalLmModel.class : Seq2SeqModel.class;
        try (ZooModel<String, String> model = load(type, Map.of("maxNewTokens", 12, "repetitionPenalty", 5f));
                Predictor<String, String> p = model.newPredictor()) {
            assertTrue(kind.isInstance(model.getBlock()), "model_type " + type + " must give " + kind.getSimpleName());
            String text = p.predict("The state of the");
            assertFalse(text.isEmpty());
            assertEquals(direct(type, false), text);
            assertEquals(text, p.predict("The state of the"), "greedy is deterministic");
        }
        try (ZooModel<String, String> model =
                        load(type, Map.of("maxNewTokens", "12", "temperature", "0.8", "topK", "40", "seed", "7", "repetitionPenalty", "5"));
                Predictor<String, String> p = model.newPredictor()) {
            assertEquals(direct(type, true), p.predict("The state of the"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "bart"})
    void badPromptsAndSettingsAreClearErrors(String type) throws Exception {
        try (ZooModel<String, String> model = load(type, Map.of("maxNewTokens", 4));
                Predictor<String, String> p = model.newPredictor()) {
            TranslateException empty = assertThrows(TranslateException.class, () -> p.predict(""));
            assertTrue(String.valueOf(empty.getCause()).contains("empty") || String.valueOf(empty.getMessage()).contains("empty"),
                    String.valueOf(empty));
            TranslateException tooLong = assertThrows(TranslateException.class, () -> p.predict("x".repeat(200)));
            assertTrue(String.valueOf(tooLong.getCause()).contains("64"), String.valueOf(tooLong.getCause()));
        }
        try (ZooModel<String, String> model = load(type, Map.of("topP", "1.5", "temperature", "1"));
                Predictor<String, String> p = model.newPredictor()) {
            TranslateException e = assertThrows(TranslateException.class, () -> p.predict("x"));
            assertTrue(String.valueOf(e.getCause()).toLowerCase().contains("top"), String.valueOf(e.getCause()));
        }
    }

    @Test
    void anEncoderIsRefusedForGenerationWithTheFamiliesThatGenerate() throws Exception {
        Path bert = dir.resolve("bert");
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelFamilies.forModelType("bert")
                    .create(ModelKind.ENCODER, new ModelShape(257, 64, 32, 2, 4), SpikingConfig.ANN, manager)
                    .save(bert);
        }
        Files.writeString(bert.resolve("tokenizer.json"), ModelFamilies.forModelType("gpt2").newTokenizerJson().orElseThrow());
        Exception e = assertThrows(Exception.class, () -> {
            try (ZooModel<String, String> model =
                            Criteria.builder().setTypes(String.class, String.class).optModelPath(bert)
                                    .optTranslatorFactory(new SpikeLmTranslatorFactory()).build().loadModel();
                    Predictor<String, String> p = model.newPredictor()) {
                p.predict("hello");
            }
        });
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append(" | ");
        }
        assertTrue(messages.toString().contains("gpt2 (SpikeLM-GPT-2)") && messages.toString().contains("bart (SpikeLM-BART)"),
                messages.toString());
    }
}
