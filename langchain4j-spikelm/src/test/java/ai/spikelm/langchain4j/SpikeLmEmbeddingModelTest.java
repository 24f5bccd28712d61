package ai.spikelm.langchain4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.convert.BertCheckpointImport;
import ai.spikelm.zoo.convert.ImportedBert;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.eval.RetrievalQuestion;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.text.LongInputPolicy;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding model on the real all-MiniLM-L6-v2, as ANN and as SpikeLM. */
class SpikeLmEmbeddingModelTest {

    @TempDir static Path dir;
    static Path minilm;
    static List<String> document;

    @BeforeAll
    static void convertMiniLm() throws Exception {
        Path onnx = dir.resolve("minilm.onnx");
        try (InputStream in = SpikeLmEmbeddingModelTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            Files.copy(in, onnx);
        }
        ImportedBert imported = BertCheckpointImport.fromOnnx(onnx);
        minilm = dir.resolve("minilm");
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertLoader.save(imported.toModel(manager, SpikingConfig.ANN, "BertModel", false), minilm);
        }
        try (InputStream in = SpikeLmEmbeddingModelTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, minilm.resolve("tokenizer.json"));
        }
        // A real document: the repository's embedded sample of public-domain prose and plain sentences.
        document = CalibrationSet.sampleLines();
    }

    private static double hitRate(SpikeLmEmbeddingModel model) {
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        List<TextSegment> segments = document.stream().map(TextSegment::from).toList();
        store.addAll(model.embedAll(segments).content(), segments);
        List<RetrievalQuestion> questions = RetrievalQuestion.sample();
        int hits = 0;
        for (RetrievalQuestion q : questions) {
            Embedding query = model.embed(q.question()).content();
            String best = store.search(EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(1).build())
                    .matches().get(0).embedded().text();
            hits += q.isAnsweredBy(best) ? 1 : 0;
        }
        return (double) hits / questions.size();
    }

    @Test
    void retrievesTheRightPassagesAsAnnAndAsSpikeLm() {
        try (SpikeLmEmbeddingModel ann = SpikeLmEmbeddingModel.builder().modelPath(minilm).build();
                SpikeLmEmbeddingModel spiking = SpikeLmEmbeddingModel.builder().modelPath(minilm).timeSteps(1).build()) {
            assertEquals(384, ann.dimension());
            double annHits = hitRate(ann);
            double spikingHits = hitRate(spiking);
            System.out.printf(Locale.ROOT, "Retrieval hit@1 on %d questions: ANN %.3f, SpikeLM T=1 %.3f%n",
                    RetrievalQuestion.sample().size(), annHits, spikingHits);
            assertTrue(annHits >= 0.75, "ANN hit rate " + annHits);
            assertTrue(spikingHits > 1.0 / document.size(), "SpikeLM must beat chance: " + spikingHits);
        }
    }

    @Test
    void longInputsAreAveragedOverWindowsOrTruncated() {
        String longText = String.join(" ", document); // about 900 tokens
        try (SpikeLmEmbeddingModel average = SpikeLmEmbeddingModel.builder().modelPath(minilm).maxLength(128).build();
                SpikeLmEmbeddingModel truncate = SpikeLmEmbeddingModel.builder().modelPath(minilm).maxLength(128)
                        .longInputPolicy(LongInputPolicy.TRUNCATE).build()) {
            Response<Embedding> a = average.embed(longText);
            Response<Embedding> t = truncate.embed(longText);
            assertNotEquals(a.content(), t.content());
            assertTrue(a.tokenUsage().inputTokenCount() > 300, a.tokenUsage().toString());
            assertEquals(128, t.tokenUsage().inputTokenCount());
            assertEquals(1.0, norm(a.content().vector()), 1e-5);
            // A short text is the same under both policies.
            assertArrayEquals(average.embed("A short one.").content().vector(), truncate.embed("A short one.").content().vector(), 1e-6f);
            assertThrows(IllegalArgumentException.class, () -> average.embed("   "));
        }
    }

    @Test
    void eightThreadsGetTheSingleThreadResults() throws Exception {
        try (SpikeLmEmbeddingModel model = SpikeLmEmbeddingModel.builder().modelPath(minilm).timeSteps(1).build()) {
            List<float[]> reference = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                reference.add(model.embed(document.get(i)).content().vector());
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    futures.add(pool.submit(() -> {
                        for (int call = 0; call < 50; call++) {
                            int i = call % 10;
                            assertArrayEquals(reference.get(i), model.embed(document.get(i)).content().vector(), 1e-6f);
                        }
                        return 50;
                    }));
                }
                for (Future<Integer> f : futures) {
                    assertEquals(50, f.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void aModelConvertedOnLoadGivesTheSameVectorsWhateverTheRequestOrder() {
        String a = "The train to the city was delayed by twenty minutes.";
        String b = "Completely unrelated: cats, dogs, and the price of coffee in a long rainy spring.";
        float[] aFirst;
        float[] aSecond;
        try (SpikeLmEmbeddingModel model = SpikeLmEmbeddingModel.builder().modelPath(minilm).timeSteps(2).build()) {
            aFirst = model.embed(a).content().vector();
            model.embed(b);
        }
        try (SpikeLmEmbeddingModel model = SpikeLmEmbeddingModel.builder().modelPath(minilm).timeSteps(2).build()) {
            model.embed(b);
            aSecond = model.embed(a).content().vector();
        }
        assertArrayEquals(aFirst, aSecond, 0f);
    }

    @Test
    void calibrationTextNamesAnotherSet() throws Exception {
        Path other = dir.resolve("calibration.txt");
        Files.write(other, List.of("Cats sleep most of the day.", "The stock market fell sharply on Monday."), StandardCharsets.UTF_8);
        String text = "A man is playing a guitar.";
        try (SpikeLmEmbeddingModel byDefault = SpikeLmEmbeddingModel.builder().modelPath(minilm).timeSteps(1).build();
                SpikeLmEmbeddingModel byFile =
                        SpikeLmEmbeddingModel.builder().modelPath(minilm).timeSteps(1).calibrationText(other).build()) {
            assertNotEquals(byDefault.embed(text).content(), byFile.embed(text).content(), "another set, other α, other vectors");
        }
        Path missing = dir.resolve("missing.txt");
        RuntimeException e =
                assertThrows(RuntimeException.class,
                        () -> SpikeLmEmbeddingModel.builder().modelPath(minilm).timeSteps(1).calibrationText(missing).build().close());
        assertTrue(e.getMessage().contains("missing.txt"), e.getMessage());
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return s;
    }
}
