package ai.spikelm.zoo.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.Gradients;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.Tokenizers;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.generate.CausalLanguageModel;
import ai.spikelm.zoo.generate.TextGenerationModel;
import ai.spikelm.zoo.generate.TokenCodec;
import ai.spikelm.zoo.text.TinyWordPieceEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The family registry: each family is resolved from {@code config.json}, loads as its kind and
 * calibrates on load; unknown types and wrong kinds are refused with what is known; and padding
 * does not move α in any family.
 */
class ModelFamiliesTest {

    private static final SpikingConfig T2 = SpikingConfig.builder().optTimeSteps(2).build();

    @TempDir static Path dir;
    static Map<String, Path> saved = new LinkedHashMap<>();

    /** A tiny ANN of every built-in family and of the test's toy family, saved with a tokenizer. */
    @BeforeAll
    static void saveOneModelPerFamily() throws IOException {
        String byteLevel = ModelFamilies.forModelType("gpt2").newTokenizerJson().orElseThrow();
        try (NDManager manager = NDManager.newBaseManager()) {
            save(manager, "bert", ModelKind.ENCODER, new ModelShape(30522, 64, 16, 2, 4), null);
            save(manager, "gpt2", ModelKind.CAUSAL_LM, new ModelShape(257, 64, 16, 2, 4), byteLevel);
            save(manager, "bart", ModelKind.SEQ2SEQ, new ModelShape(257, 64, 16, 2, 4), byteLevel);
            save(manager, ToyFamily.MODEL_TYPE, ModelKind.ENCODER, new ModelShape(30522, 64, 8, 1, 1), null);
        }
    }

    private static void save(NDManager manager, String type, ModelKind kind, ModelShape shape, String tokenizerJson)
            throws IOException {
        manager.getEngine().setRandomSeed(3);
        TrainableModel model = ModelFamilies.forModelType(type).create(kind, shape, SpikingConfig.ANN, manager);
        Path target = dir.resolve(type);
        model.save(target);
        if (tokenizerJson == null) {
            TinyWordPieceEncoder.tokenizer(target.resolve("tokenizer.json"));
        } else {
            Files.writeString(target.resolve("tokenizer.json"), tokenizerJson);
        }
        saved.put(type, target);
    }

    private static LoadRequest request(String type) {
        return LoadRequest.builder().setModelDir(saved.get(type)).optTimeSteps(2).build();
    }

    @Test
    void eachFamilyIsResolvedFromConfigJsonAndLoadsAsItsKind() throws IOException {
        assertTrue(ModelFamilies.modelTypes().containsAll(List.of("bart", "bert", "gpt2", ToyFamily.MODEL_TYPE)),
                ModelFamilies.modelTypes().toString());
        Map<String, Class<?>> kinds =
                Map.of("bert", EncoderModel.class, "gpt2", CausalLmModel.class, "bart", Seq2SeqModel.class,
                        ToyFamily.MODEL_TYPE, EncoderModel.class);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (var e : saved.entrySet()) {
                ModelFamily family = ModelFamilies.forModel(e.getValue());
                assertEquals(e.getKey(), family.modelType());
                assertSame(family, ModelFamilies.forModelType(e.getKey()));
                TrainableModel model = ModelFamilies.load(request(e.getKey()), manager);
                assertInstanceOf(kinds.get(e.getKey()), model, e.getKey());
                assertTrue(model.spiking().isSpiking() && model.spiking().timeSteps() == 2, e.getKey() + ": converted on load");
                assertFalse(Calibration.needed(model), e.getKey() + ": calibrated before it is returned");
                assertFalse(HfWeights.spikingSites(model).isEmpty(), e.getKey());
            }
            assertInstanceOf(CausalLmModel.class, ModelFamilies.loadGenerator(request("gpt2"), manager));
            assertInstanceOf(Seq2SeqModel.class, ModelFamilies.loadGenerator(request("bart"), manager));
        }
    }

    /**
     * PyTorch's grad mode is on in threads it has not seen: a loaded model's weights are out of
     * autograd, so a forward pass on such a thread records no graph; a trainer puts them back.
     */
    @Test
    void loadedWeightsAreOutOfAutogradUntilATrainerTakesThem() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            EncoderModel encoder = ModelFamilies.loadEncoder(request("bert"), manager);
            for (var p : HfWeights.parameters(encoder).values()) {
                assertFalse(p.getArray().hasGradient(), "loaded out of autograd");
            }
            boolean[] recorded = new boolean[2];
            Thread fresh = new Thread(() -> {
                try (NDManager scope = manager.newSubManager()) {
                    var out = encoder.forward(new ai.djl.training.ParameterStore(scope, false), encoder.inputs(padded(0), scope), false);
                    recorded[0] = out.head().hasGradient();
                    recorded[1] = true;
                }
            });
            fresh.start();
            fresh.join();
            assertTrue(recorded[1], "the forward pass ran");
            assertFalse(recorded[0], "no graph recorded on a fresh thread");

            Gradients.attachTrainable(encoder);
            long attached = HfWeights.parameters(encoder).values().stream().filter(p -> p.getArray().hasGradient()).count();
            long trainable = HfWeights.parameters(encoder).values().stream().filter(p -> p.requiresGradient()).count();
            assertTrue(attached > 0 && attached == trainable, attached + " attached of " + trainable + " trainable");
        }
    }

    @Test
    void anUnknownOrMissingModelTypeIsRefusedWithTheKnownOnes() throws IOException {
        Path llama = Files.createDirectories(dir.resolve("llama"));
        Files.writeString(llama.resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": 8}");
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> ModelFamilies.forModel(llama));
        for (String part : new String[] {
            llama.resolve("config.json").toString(), "Unknown model_type 'llama'", "bart (SpikeLM-BART)",
            "bert (SpikeLM-BERT)", "gpt2 (SpikeLM-GPT-2)", "ModelFamilies.register"
        }) {
            assertTrue(e.getMessage().contains(part), part + " in: " + e.getMessage());
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadRequest request = LoadRequest.builder().setModelDir(llama).build();
            assertThrows(UnsupportedModelException.class, () -> ModelFamilies.load(request, manager));
        }
        Path none = Files.createDirectories(dir.resolve("none"));
        Files.writeString(none.resolve("config.json"), "{\"hidden_size\": 8}");
        UnsupportedModelException missing = assertThrows(UnsupportedModelException.class, () -> ModelFamilies.forModel(none));
        assertTrue(missing.getMessage().contains("No model_type; known model types: bart"), missing.getMessage());
        Exception noConfig = assertThrows(IOException.class, () -> ModelFamilies.forModel(dir.resolve("nowhere")));
        assertTrue(noConfig.getMessage().contains("config.json"), noConfig.getMessage());
    }

    @Test
    void aModelOfAnotherKindIsRefusedWithTheFamiliesThatFit() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UnsupportedModelException encoder =
                    assertThrows(UnsupportedModelException.class, () -> ModelFamilies.loadEncoder(request("gpt2"), manager));
            assertTrue(encoder.getMessage().contains("gpt2 (SpikeLM-GPT-2), which has no encoder model"), encoder.getMessage());
            assertTrue(encoder.getMessage().contains("bert (SpikeLM-BERT)"), encoder.getMessage());
            assertFalse(encoder.getMessage().contains("bart (SpikeLM-BART)"), encoder.getMessage());

            UnsupportedModelException generator =
                    assertThrows(UnsupportedModelException.class, () -> ModelFamilies.loadGenerator(request("bert"), manager));
            assertTrue(generator.getMessage().contains("generates no text"), generator.getMessage());
            assertTrue(generator.getMessage().contains("gpt2 (SpikeLM-GPT-2) (causal LM), bart (SpikeLM-BART) (seq2seq)"),
                    generator.getMessage());

            UnsupportedModelException causal =
                    assertThrows(UnsupportedModelException.class, () -> ModelFamilies.loadCausalLm(request("bart"), manager));
            assertTrue(causal.getMessage().contains("families that have one: gpt2 (SpikeLM-GPT-2)"), causal.getMessage());
        }
    }

    @Test
    void aSecondFamilyForATypeIsRefused() {
        ModelFamilies.register(new ToyFamily()); // the same family again: nothing changes
        ModelFamily impostor = new ModelFamily() {
            @Override
            public String modelType() {
                return "bert";
            }

            @Override
            public String displayName() {
                return "Impostor";
            }

            @Override
            public Set<ModelKind> kinds() {
                return Set.of(ModelKind.ENCODER);
            }

            @Override
            public SpikingConfig savedSpiking(Path configJson) {
                return SpikingConfig.ANN;
            }

            @Override
            public TrainableModel load(LoadRequest request, NDManager manager) {
                throw new AssertionError("never loads");
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFamilies.register(impostor));
        assertTrue(e.getMessage().contains("already read by SpikeLM-BERT"), e.getMessage());
        assertEquals("SpikeLM-BERT", ModelFamilies.forModelType("bert").displayName());
    }

    /** The tokens of two texts, padded by {@code extra} columns of varied ids. */
    private static EncodedBatch padded(int extra) {
        long[][] real = {{101, 7592, 2088, 2003, 1037, 3231, 102}, {101, 2204, 2154, 102}};
        int length = real[0].length + extra;
        long[][] ids = new long[2][length];
        long[][] mask = new long[2][length];
        for (int b = 0; b < 2; b++) {
            System.arraycopy(real[b], 0, ids[b], 0, real[b].length);
            for (int l = 0; l < length; l++) {
                mask[b][l] = l < real[b].length ? 1 : 0;
                if (l >= real[b].length) {
                    ids[b][l] = 40 + 3 * l; // padding with varied ids, so that a rule reading it would move
                }
            }
        }
        return new EncodedBatch(ids, mask, new long[2][length]);
    }

    @Test
    void paddingDoesNotMoveAlphaInAnyFamily() {
        Map<String, ModelKind> kinds =
                Map.of("bert", ModelKind.ENCODER, "gpt2", ModelKind.CAUSAL_LM, "bart", ModelKind.SEQ2SEQ, ToyFamily.MODEL_TYPE, ModelKind.ENCODER);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (var e : kinds.entrySet()) {
                Map<String, float[]> tight = calibrated(manager, e.getKey(), e.getValue(), padded(0));
                Map<String, float[]> loose = calibrated(manager, e.getKey(), e.getValue(), padded(6));
                assertFalse(tight.isEmpty(), e.getKey());
                assertEquals(tight.keySet(), loose.keySet());
                tight.forEach((site, alpha) -> assertArrayEquals(alpha, loose.get(site), 1e-6f, e.getKey() + " " + site));
            }
        }
    }

    private static Map<String, float[]> calibrated(NDManager manager, String type, ModelKind kind, EncodedBatch batch) {
        manager.getEngine().setRandomSeed(9);
        TrainableModel model = ModelFamilies.forModelType(type).create(kind, new ModelShape(30522, 32, 16, 2, 4), T2, manager);
        return Calibration.calibrate(model, batch);
    }

    @Test
    void generatorsConvertedOnLoadReplyTheSameWhateverCameFirst() throws IOException {
        for (String type : List.of("gpt2", "bart")) {
            float[] first = logitsAfter(type, List.of("Once upon a time", "The stock market fell."));
            float[] second = logitsAfter(type, List.of("The stock market fell.", "Once upon a time"));
            assertArrayEquals(first, second, 0f, type);
        }
    }

    /** Loads the model converted to T = 2, runs the prompts in order, returns the logits of "Once upon a time". */
    private static float[] logitsAfter(String type, List<String> prompts) throws IOException {
        float[] wanted = null;
        try (NDManager manager = NDManager.newBaseManager();
                var tokenizer = Tokenizers.untruncated(saved.get(type).resolve("tokenizer.json"))) {
            TextGenerationModel model = ModelFamilies.loadGenerator(request(type), manager);
            for (String prompt : prompts) {
                try (TextGenerationModel.Decoding d = model.startDecoding(manager, prompt, TokenCodec.of(tokenizer));
                        CausalLanguageModel.Session session = d.model().newSession(manager)) {
                    float[] logits = session.append(d.decoderPrompt());
                    if (prompt.startsWith("Once")) {
                        wanted = logits;
                    }
                }
            }
        }
        return wanted;
    }
}
