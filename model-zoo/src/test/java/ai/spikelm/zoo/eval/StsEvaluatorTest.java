package ai.spikelm.zoo.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.bert.SpikeBertModel;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TestModels;
import ai.spikelm.zoo.text.EncoderPipeline;
import ai.spikelm.zoo.text.TinyWordPieceEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        tokenizerFile = TinyWordPieceEncoder.tokenizer(Files.createTempFile("minilm-tokenizer", ".json"));
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
        SpikeBertModel model = TinyWordPieceEncoder.create(manager, spiking, 11);
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
            StsResult result;
            try (EncoderPipeline embedder = pipeline(model, 4)) {
                result = new StsEvaluator(embedder).evaluate(PAIRS);
            }

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
    void batchesLeaveNoArraysOnTheModelsManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = tinyEncoder(manager, SpikingConfig.builder().optSpiking(true).optTimeSteps(2).build());
            try (EncoderPipeline embedder = pipeline(model, 3)) {
                embedder.embed(List.of("Calibrate first.", "Then count."));
                int before = ((BaseNDManager) manager).getManagedArrays().size();
                new StsEvaluator(embedder).evaluate(PAIRS);
                assertEquals(before, ((BaseNDManager) manager).getManagedArrays().size());
            }
        }
    }

    @Test
    void noPairsIsAnError() {
        try (NDManager manager = NDManager.newBaseManager();
                EncoderPipeline embedder = pipeline(tinyEncoder(manager, SpikingConfig.ANN), 4)) {
            assertThrows(IllegalArgumentException.class, () -> new StsEvaluator(embedder).evaluate(List.of()));
        }
    }

    /** The encoder pipeline with the test tokenizer's window of 32 tokens. */
    private static EncoderPipeline pipeline(SpikeBertModel model, int batchSize) {
        return EncoderPipeline.builder().setModel(model).setTokenizer(tokenizerFile).optMaxLength(32).optBatchSize(batchSize).build();
    }
}
