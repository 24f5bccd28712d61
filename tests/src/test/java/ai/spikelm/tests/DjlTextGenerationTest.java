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
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.djl.SpikeLmTranslatorFactory;
import ai.spikelm.zoo.generate.Generator;
import ai.spikelm.zoo.generate.TokenCodec;
import ai.spikelm.zoo.gpt2.Gpt2TokenizerJson;
import ai.spikelm.zoo.gpt2.SpikeGpt2Config;
import ai.spikelm.zoo.gpt2.SpikeGpt2LMHeadModel;
import ai.spikelm.zoo.gpt2.SpikeGpt2Loader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text generation through DJL's Criteria (config-driven: model_type gpt2) against the Generator itself. */
class DjlTextGenerationTest {

    @TempDir static Path dir;

    @BeforeAll
    static void saveTinyByteLevelModel() throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), Gpt2TokenizerJson.byteLevel());
        SpikeGpt2Config config = SpikeGpt2Config.builder()
                .optVocabSize(257).optNPositions(64).optNEmbd(32).optNLayer(2).optNHead(4)
                .optBosTokenId(256).optEosTokenId(256)
                .optSpiking(SpikingConfig.builder().optTimeSteps(2).build())
                .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = new SpikeGpt2LMHeadModel(config);
            model.initialize(manager);
            SpikeGpt2Loader.save(model, dir);
        }
    }

    private static ZooModel<String, String> load(Map<String, Object> arguments) throws Exception {
        return Criteria.builder()
                .setTypes(String.class, String.class)
                .optModelPath(dir)
                .optTranslatorFactory(new SpikeLmTranslatorFactory())
                .optArguments(arguments)
                .build()
                .loadModel();
    }

    /**
     * The same text as the Generator run directly on the same weights (greedy and seeded sampling),
     * calibrated as the DJL path calibrates on load: on the embedded sample text.
     */
    private static String direct(boolean sample) throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = Gpt2TokenizerJson.load(dir.resolve("tokenizer.json"))) {
            SpikeGpt2LMHeadModel lm = SpikeGpt2Loader.builder().setModelDir(dir).build().loadLanguageModel(manager);
            Calibration.calibrate(lm, dir.resolve("tokenizer.json"), lm.getConfig().nPositions(), CalibrationSet.sample());
            Generator.Builder b = Generator.builder(lm).optCodec(TokenCodec.of(tokenizer)).optMaxNewTokens(12);
            if (sample) {
                b.optSampling(0.8f).optTopK(40).optSeed(7);
            }
            return b.build().generate(manager, "The state of the").text();
        }
    }

    @Test
    void greedyAndSeededTextEqualTheGeneratorRunDirectly() throws Exception {
        try (ZooModel<String, String> model = load(Map.of("maxNewTokens", 12));
                Predictor<String, String> p = model.newPredictor()) {
            assertTrue(model.getBlock() instanceof SpikeGpt2LMHeadModel, "model_type gpt2 must give the LM");
            String text = p.predict("The state of the");
            assertFalse(text.isEmpty());
            assertEquals(direct(false), text);
            assertEquals(text, p.predict("The state of the"), "greedy is deterministic");
        }
        try (ZooModel<String, String> model = load(Map.of("maxNewTokens", "12", "temperature", "0.8", "topK", "40", "seed", "7"));
                Predictor<String, String> p = model.newPredictor()) {
            assertEquals(direct(true), p.predict("The state of the"));
        }
    }

    @Test
    void badPromptsAndSettingsAreClearErrors() throws Exception {
        try (ZooModel<String, String> model = load(Map.of("maxNewTokens", 4));
                Predictor<String, String> p = model.newPredictor()) {
            TranslateException empty = assertThrows(TranslateException.class, () -> p.predict(""));
            assertTrue(String.valueOf(empty.getCause()).contains("empty") || String.valueOf(empty.getMessage()).contains("empty"),
                    String.valueOf(empty));
            TranslateException tooLong = assertThrows(TranslateException.class, () -> p.predict("x".repeat(200)));
            assertTrue(String.valueOf(tooLong.getCause()).contains("64"), String.valueOf(tooLong.getCause()));
        }
        try (ZooModel<String, String> model = load(Map.of("topP", "1.5", "temperature", "1"));
                Predictor<String, String> p = model.newPredictor()) {
            TranslateException e = assertThrows(TranslateException.class, () -> p.predict("x"));
            assertTrue(String.valueOf(e.getCause()).toLowerCase().contains("top"), String.valueOf(e.getCause()));
        }
    }
}
