package ai.spikelm.zoo.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertForMaskedLM;
import ai.spikelm.zoo.bert.SpikeBertModel;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The STS evaluation on a tiny random BERT with the real all-MiniLM-L6-v2 tokenizer, against a
 * direct computation: each sentence run through the model alone, mean-pooled in Java, cosine, then
 * the correlations.
 */
class StsEvaluatorTest {

    private static final List<StsPair> PAIRS =
            List.of(
                    new StsPair("A man is playing a guitar.", "A man plays the guitar.", 4.8),
                    new StsPair("A woman is slicing an onion.", "Someone is cutting an onion on a board.", 4.0),
                    new StsPair("A man is playing a guitar.", "The stock market fell sharply on Monday.", 0.0),
                    new StsPair("Kids are playing in the park.", "Children play outside.", 3.6),
                    new StsPair("The cat sleeps.", "A dog is barking loudly at the mail carrier.", 0.4),
                    new StsPair("A woman is slicing an onion.", "A woman is slicing an onion.", 5.0),
                    new StsPair("Prices rose again this quarter, the report said.", "Inflation went up.", 2.5),
                    new StsPair("The cat sleeps.", "A cat is asleep on the sofa.", 3.2),
                    new StsPair("Kids are playing in the park.", "The stock market fell sharply on Monday.", 0.2));

    private static Path tokenizerFile;
    private static HuggingFaceTokenizer tokenizer;

    @BeforeAll
    static void tokenizer() throws IOException {
        tokenizerFile = Files.createTempFile("minilm-tokenizer", ".json");
        try (InputStream in = StsEvaluatorTest.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            assertNotNull(in, "the all-MiniLM-L6-v2 tokenizer is on the test class path");
            Files.copy(in, tokenizerFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        tokenizer =
                HuggingFaceTokenizer.builder()
                        .optTokenizerPath(tokenizerFile)
                        .optMaxLength(32)
                        .optTruncation(true)
                        .optPadding(false)
                        .build();
    }

    @AfterAll
    static void closeTokenizer() throws IOException {
        tokenizer.close();
        Files.deleteIfExists(tokenizerFile);
    }

    /** A random encoder with BERT's WordPiece vocabulary (so the real tokenizer fits) and tiny layers. */
    private static SpikeBertModel tinyEncoder(NDManager manager, SpikingConfig spiking) {
        SpikeBertConfig config =
                SpikeBertConfig.builder()
                        .optVocabSize(30522)
                        .optHiddenSize(16)
                        .optNumHiddenLayers(2)
                        .optNumAttentionHeads(4)
                        .optIntermediateSize(32)
                        .optMaxPositionEmbeddings(64)
                        .optSpiking(spiking)
                        .build();
        SpikeBertModel model = new SpikeBertModel(config);
        model.initialize(manager);
        TestModels.randomize(model, 11, n -> n.endsWith("LayerNorm.weight"));
        if (spiking.isSpiking()) {
            // Fixed α: the direct computation below must not calibrate on a different first batch.
            TestModels.fixAmplitudes(model, 5);
        }
        return model;
    }

    /** Reference embedding: the sentence alone, mean over its tokens in Java, unit length. */
    private static double[] embedAlone(SpikeBertModel model, String sentence) {
        Encoding e = tokenizer.encode(sentence);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList inputs =
                    new NDList(
                            manager.create(new long[][] {e.getIds()}),
                            manager.create(new long[][] {e.getAttentionMask()}),
                            manager.create(new long[][] {e.getTypeIds()}));
            float[] hidden = model.forward(new ParameterStore(manager, false), inputs, false).get(0).toFloatArray();
            int tokens = e.getIds().length;
            int dim = hidden.length / tokens;
            double[] mean = new double[dim];
            for (int t = 0; t < tokens; t++) {
                for (int k = 0; k < dim; k++) {
                    mean[k] += hidden[t * dim + k] / (double) tokens;
                }
            }
            double norm = Math.sqrt(java.util.Arrays.stream(mean).map(v -> v * v).sum());
            return java.util.Arrays.stream(mean).map(v -> v / norm).toArray();
        }
    }

    private static void matchesDirectComputation(SpikingConfig spiking) {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = tinyEncoder(manager, spiking);
            // Batches of 4 mix sentences of different lengths, so padding is exercised.
            SentenceEmbedder embedder = SentenceEmbedder.builder().setModel(model).setTokenizer(tokenizer).optBatchSize(4).build();
            StsResult result = new StsEvaluator(embedder).evaluate(PAIRS);

            double[] cosines = new double[PAIRS.size()];
            double[] gold = new double[PAIRS.size()];
            for (int i = 0; i < PAIRS.size(); i++) {
                double[] a = embedAlone(model, PAIRS.get(i).sentence1());
                double[] b = embedAlone(model, PAIRS.get(i).sentence2());
                for (int k = 0; k < a.length; k++) {
                    cosines[i] += a[k] * b[k];
                }
                gold[i] = PAIRS.get(i).score();
            }
            assertEquals(Correlations.spearman(cosines, gold), result.spearman(), 1e-6, spiking.toString());
            assertEquals(Correlations.pearson(cosines, gold), result.pearson(), 1e-6, spiking.toString());
            assertEquals(100 * result.spearman(), result.spearmanPercent(), 1e-12);
            assertEquals(100 * result.pearson(), result.pearsonPercent(), 1e-12);
            assertEquals(PAIRS.size(), result.pairs());
            // 5 distinct first sentences, 7 new second ones (pair 6 repeats a first sentence): 12
            assertEquals(12, result.sentences(), "each distinct sentence once");
            assertTrue(result.seconds() > 0);
            assertTrue(Math.abs(result.spearman()) <= 1 && Math.abs(result.pearson()) <= 1);
        }
    }

    @Test
    void annMatchesSentenceBySentenceComputation() {
        matchesDirectComputation(SpikingConfig.ANN);
    }

    @Test
    void spikingMatchesSentenceBySentenceComputation() {
        matchesDirectComputation(SpikingConfig.builder().optSpiking(true).optTimeSteps(2).build());
    }

    @Test
    void batchesAreLongestFirstAndVectorsComeBackInInputOrder() {
        List<String> texts = new ArrayList<>();
        for (StsPair p : PAIRS) {
            texts.add(p.sentence2());
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = tinyEncoder(manager, SpikingConfig.ANN);
            List<int[]> seen = new ArrayList<>();
            float[][] batched =
                    SentenceEmbedder.builder()
                            .setModel(model)
                            .setTokenizer(tokenizer)
                            .optBatchSize(4)
                            .optBatchListener((index, count, batch) -> seen.add(new int[] {index, count, batch.inputIds().length, batch.inputIds()[0].length}))
                            .build()
                            .embed(texts);
            float[][] single = SentenceEmbedder.builder().setModel(model).setTokenizer(tokenizer).optBatchSize(1).build().embed(texts);
            assertEquals(3, seen.size(), "9 texts in batches of 4");
            for (int b = 0; b < 3; b++) {
                assertEquals(b, seen.get(b)[0]);
                assertEquals(3, seen.get(b)[1]);
            }
            assertArrayEquals(new int[] {4, 4, 1}, seen.stream().mapToInt(s -> s[2]).toArray());
            assertTrue(seen.get(0)[3] >= seen.get(1)[3] && seen.get(1)[3] >= seen.get(2)[3], "padded lengths shrink");
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(single[i], batched[i], 1e-5f, "text " + i);
                double norm = 0;
                for (float v : batched[i]) {
                    norm += v * v;
                }
                assertEquals(1.0, norm, 1e-5);
            }
            float[] twice = SentenceEmbedder.builder().setModel(model).setTokenizer(tokenizer).build()
                    .embed(List.of(texts.get(0), texts.get(0)))[1];
            assertArrayEquals(single[0], twice, 1e-5f);
        }
    }

    @Test
    void batchesLeaveNoArraysOnTheModelsManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = tinyEncoder(manager, SpikingConfig.builder().optSpiking(true).optTimeSteps(2).build());
            SentenceEmbedder embedder = SentenceEmbedder.builder().setModel(model).setTokenizer(tokenizer).optBatchSize(3).build();
            embedder.embed(List.of("Calibrate first.", "Then count."));
            int before = ((BaseNDManager) manager).getManagedArrays().size();
            new StsEvaluator(embedder).evaluate(PAIRS);
            assertEquals(before, ((BaseNDManager) manager).getManagedArrays().size());
        }
    }

    @Test
    void optionsAndInputsAreChecked() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = tinyEncoder(manager, SpikingConfig.ANN);
            assertThrows(IllegalArgumentException.class, () -> SentenceEmbedder.builder().setModel(model).build());
            IllegalArgumentException batch =
                    assertThrows(IllegalArgumentException.class,
                            () -> SentenceEmbedder.builder().setModel(model).setTokenizer(tokenizer).optBatchSize(0).build());
            assertTrue(batch.getMessage().contains("batchSize"), batch.getMessage());

            SpikeBertForMaskedLM mlm = new SpikeBertForMaskedLM(model.getConfig());
            IllegalArgumentException head =
                    assertThrows(IllegalArgumentException.class, () -> SentenceEmbedder.builder().setModel(mlm).setTokenizer(tokenizer).build());
            assertTrue(head.getMessage().contains("BertForMaskedLM"), head.getMessage());

            SentenceEmbedder embedder = SentenceEmbedder.builder().setModel(model).setTokenizer(tokenizer).build();
            IllegalArgumentException blank = assertThrows(IllegalArgumentException.class, () -> embedder.embed(List.of("fine", " ")));
            assertEquals("Text 1 is empty", blank.getMessage());
            assertEquals(0, embedder.embed(List.of()).length);
            assertThrows(IllegalArgumentException.class, () -> new StsEvaluator(embedder).evaluate(List.of()));
        }
    }

    @Test
    void textsLongerThanThePositionsAreNamed() throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer untruncated =
                        HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerFile).optTruncation(false).optPadding(false).build()) {
            SpikeBertModel model = tinyEncoder(manager, SpikingConfig.ANN);
            SentenceEmbedder embedder = SentenceEmbedder.builder().setModel(model).setTokenizer(untruncated).build();
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> embedder.embed(List.of("short", "word ".repeat(100))));
            assertTrue(e.getMessage().startsWith("Text 1 has 102 tokens, more than the model's 64 positions"), e.getMessage());
        }
    }
}
