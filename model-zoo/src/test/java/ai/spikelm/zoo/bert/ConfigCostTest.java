package ai.spikelm.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.InvalidConfigException;
import ai.spikelm.zoo.core.ModelCost;
import ai.spikelm.zoo.core.NativeMemory;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.WeightsMismatchException;
import ai.spikelm.zoo.gpt2.SpikeGpt2Config;
import ai.spikelm.zoo.gpt2.SpikeGpt2LMHeadModel;
import ai.spikelm.zoo.gpt2.SpikeGpt2Loader;
import ai.spikelm.zoo.weights.SafetensorsCheckpoint;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile {@code config.json} next to a small checkpoint: the cost it implies is checked against
 * the checkpoint's headers and the memory budget before the model is built, so every mutation is
 * refused in well under 5 s without a large allocation, with a message naming the file, the fields
 * and the size.
 */
class ConfigCostTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a refused load may add to the resident size at most (the engine's own start-up aside). */
    private static final long MAX_GROWTH = 256L << 20;

    @TempDir static Path dir;

    private static Path bert;
    private static Path gpt2;

    @BeforeAll
    static void saveTinyModels() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = new SpikeBertModel(TinyBert.config(SpikingConfig.ANN));
            model.initialize(manager);
            bert = dir.resolve("bert");
            SpikeBertLoader.save(model, bert);

            SpikeGpt2Config config = SpikeGpt2Config.builder().optVocabSize(50).optNPositions(16).optNEmbd(16)
                    .optNLayer(2).optNHead(2).optBosTokenId(49).optEosTokenId(49).build();
            SpikeGpt2LMHeadModel lm = new SpikeGpt2LMHeadModel(config);
            lm.initialize(manager);
            gpt2 = dir.resolve("gpt2");
            SpikeGpt2Loader.save(lm, gpt2);
            // Load once, so that the engine's start-up is not counted against the first case.
            SpikeBertLoader.builder().setModelDir(bert).build().load(manager);
        }
    }

    @Test
    void theIssuesConfigIsRefusedAtOnceNamingTheFieldsAndTheSize() throws Exception {
        Path model = mutated(bert, "issue", Map.of("num_hidden_layers", 1024, "intermediate_size", 262144));
        InvalidConfigException e = refusedQuickly(() -> loadBert(model));
        String m = e.getMessage();
        assertTrue(m.startsWith(model.resolve("config.json") + ": num_hidden_layers = 1024, intermediate_size = 262144,"
                + " hidden_size = 16 imply 8.59e+09 of feed-forward weights"), m);
        assertTrue(m.contains("this config.json does not describe this checkpoint"), m);
    }

    @Test
    void everyInflatedFieldIsRefused() throws Exception {
        Map<String, Object> cases = Map.of(
                "vocab_size", 4_000_000,
                "hidden_size", 32_768,
                "max_position_embeddings", 1_048_576,
                "type_vocab_size", 1_024,
                "num_hidden_layers", 1_024,
                "intermediate_size", 262_144);
        for (Map.Entry<String, Object> c : cases.entrySet()) {
            Path model = mutated(bert, c.getKey(), Map.of(c.getKey(), c.getValue()));
            InvalidConfigException e = refusedQuickly(() -> loadBert(model));
            assertTrue(e.getMessage().contains(c.getKey() + " = " + c.getValue()), e.getMessage());
        }
        Path lm = mutated(gpt2, "gpt2-layers", Map.of("n_layer", 1024, "n_inner", 262144));
        InvalidConfigException e = refusedQuickly(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeGpt2Loader.builder().setModelDir(lm).build().loadLanguageModel(manager);
            }
        });
        assertTrue(e.getMessage().contains("n_layer = 1024, n_inner = 262144"), e.getMessage());
    }

    @Test
    void seededMutationsLoadOrAreRefusedQuicklyWithoutABigAllocation() throws Exception {
        String[] fields = {"vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
            "max_position_embeddings", "type_vocab_size"};
        int[] limits = {4_000_000, 32_768, 1_024, 1_024, 262_144, 1_048_576, 1_024};
        Random random = new Random(18);
        int refusedByCost = 0;
        for (int i = 0; i < 40; i++) {
            int f = random.nextInt(fields.length);
            // Mostly large values: the hostile end of each field's range.
            int value = random.nextBoolean() ? limits[f] - random.nextInt(limits[f] / 4) : 1 + random.nextInt(limits[f]);
            Path model = mutated(bert, "case" + i, Map.of(fields[f], value));
            NativeMemory.resetPeak();
            long before = NativeMemory.residentBytes().orElse(0);
            long start = System.nanoTime();
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeBertLoader.builder().setModelDir(model).optAllowNewHead(true).build().load(manager);
            } catch (InvalidConfigException e) {
                if (e.getMessage().contains("does not describe this checkpoint")) {
                    refusedByCost++;
                }
            } catch (WeightsMismatchException e) {
                // a smaller value: the strict load names the tensors that do not fit
            } catch (RuntimeException e) {
                fail(fields[f] + " = " + value + " threw " + e, e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds <= 5, fields[f] + " = " + value + " took " + seconds + " s");
            long peak = NativeMemory.peakResidentBytes().orElse(0);
            assertTrue(peak - before < MAX_GROWTH, fields[f] + " = " + value + " grew the resident size by "
                    + (peak - before) / (1 << 20) + " MB");
        }
        assertTrue(refusedByCost >= 10, "cases refused by the cost check: " + refusedByCost);
    }

    @Test
    void aRealConfigPassesAndItsCostIsTheCheckpointsSize() throws Exception {
        SpikeBertConfig config = SpikeBertConfig.load(bert.resolve("config.json"));
        try (var checkpoint = SafetensorsCheckpoint.open(bert)) {
            config.cost().check(bert.resolve("config.json"), checkpoint);
            long held = checkpoint.names().stream().mapToLong(n -> {
                long p = 1;
                for (long d : checkpoint.info(n).shape()) {
                    p *= d;
                }
                return p;
            }).sum();
            // The body's matrices: all but biases and LayerNorms, which the cost leaves out.
            long h = 16;
            long matrices = (40 + 16 + 2) * h + 2 * (4 * h * h + 2 * h * 32);
            assertEquals(matrices, config.cost().weightCount());
            assertTrue(held >= matrices && held < matrices * 1.3, held + " vs " + matrices);
        }
    }

    @Test
    void theBudgetRefusesAModelTooLargeForTheMachine() throws Exception {
        SpikeBertConfig config = SpikeBertConfig.load(bert.resolve("config.json"));
        try (var checkpoint = SafetensorsCheckpoint.open(bert)) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> config.cost().check(bert.resolve("config.json"), checkpoint, 1024));
            assertTrue(e.getMessage().contains("more than the memory budget of 1.0 KB")
                    && e.getMessage().contains(ModelCost.BUDGET_PROPERTY), e.getMessage());
        }
        SpikeBertConfig longContext = config.toBuilder().optMaxPositionEmbeddings(1_048_576).optNumAttentionHeads(4)
                .optSpiking(SpikingConfig.builder().optTimeSteps(256).build()).build();
        InvalidConfigException a = assertThrows(InvalidConfigException.class,
                () -> longContext.cost().checkBudget("config.json", 64L << 30));
        assertTrue(a.getMessage().contains("for one sequence at the maximum length"), a.getMessage());
        assertEquals(8L << 30, ModelCost.parseSize("8g"));
        assertEquals(512L << 20, ModelCost.parseSize(" 512M "));
        assertThrows(IllegalArgumentException.class, () -> ModelCost.parseSize("lots"));
    }

    @Test
    void aFolderWithOnlyAPickleCheckpointSaysHowToReadIt() throws Exception {
        Path model = mutated(bert, "pickle", Map.of());
        Files.move(model.resolve("model.safetensors"), model.resolve("pytorch_model.bin"));
        try (NDManager manager = NDManager.newBaseManager()) {
            NoSuchFileException e = assertThrows(NoSuchFileException.class,
                    () -> SpikeBertLoader.builder().setModelDir(model).build().load(manager));
            assertTrue(e.getMessage().contains("pytorch_model.bin") && e.getMessage().contains("--allow-pickle"),
                    e.getMessage());
        }
    }

    private static void loadBert(Path model) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertLoader.builder().setModelDir(model).build().load(manager);
        }
    }

    private interface Load {
        void run() throws Exception;
    }

    private static InvalidConfigException refusedQuickly(Load load) throws Exception {
        NativeMemory.resetPeak();
        long before = NativeMemory.residentBytes().orElse(0);
        long start = System.nanoTime();
        InvalidConfigException e = assertThrows(InvalidConfigException.class, load::run);
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused within 5 s");
        long peak = NativeMemory.peakResidentBytes().orElse(0);
        assertTrue(peak - before < MAX_GROWTH, "grew by " + (peak - before));
        return e;
    }

    /** A copy of a model folder with some config fields replaced. */
    private static Path mutated(Path source, String name, Map<String, Object> fields) throws Exception {
        Path target = dir.resolve(source.getFileName() + "-" + name);
        Files.createDirectories(target);
        for (String file : List.of("model.safetensors")) {
            Files.copy(source.resolve(file), target.resolve(file));
        }
        ObjectNode config = (ObjectNode) JSON.readTree(source.resolve("config.json").toFile());
        fields.forEach((k, v) -> config.set(k, JSON.valueToTree(v)));
        Files.writeString(target.resolve("config.json"), config.toString());
        return target;
    }
}
