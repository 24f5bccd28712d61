package ai.spikelm.langchain4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.convert.BertCheckpointImport;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.djl.InferenceThreads;
import dev.langchain4j.data.embedding.Embedding;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code embeddedMiniLm()}: the real all-MiniLM-L6-v2 from the class path, with no folder and no Hub. */
class SpikeLmEmbeddedMiniLmTest {

    @Test
    void embeddedModelEqualsTheSameWeightsConvertedByHand(@TempDir Path dir) throws Exception {
        // The reference: the ONNX file converted here, step by step, into a folder.
        Path onnx = dir.resolve("minilm.onnx");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            Files.copy(in, onnx);
        }
        Path byHand = dir.resolve("minilm");
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertLoader.save(BertCheckpointImport.fromOnnx(onnx).toModel(manager, SpikingConfig.ANN, "BertModel", false), byHand);
        }
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, byHand.resolve("tokenizer.json"));
        }
        int threadsBefore = InferenceThreads.intraOpThreads();
        try (SpikeLmEmbeddingModel embedded = SpikeLmEmbeddingModel.builder().embeddedMiniLm().intraOpThreads(1).build();
                SpikeLmEmbeddingModel reference = SpikeLmEmbeddingModel.builder().modelPath(byHand).build()) {
            assertEquals(1, InferenceThreads.intraOpThreads());
            assertEquals("all-MiniLM-L6-v2", embedded.modelName());
            assertEquals(384, embedded.dimension());
            for (String text : new String[] {"A man is playing a guitar.", "The stock market fell sharply on Monday."}) {
                Embedding got = embedded.embed(text).content();
                assertArrayEquals(reference.embed(text).content().vector(), got.vector(), 1e-6f, text);
            }
            double similar = cosine(embedded.embed("A man is playing a guitar.").content(), embedded.embed("Someone strums a guitar.").content());
            double unrelated = cosine(embedded.embed("A man is playing a guitar.").content(), embedded.embed("The stock market fell sharply on Monday.").content());
            assertTrue(similar > unrelated + 0.3, similar + " vs " + unrelated);
        } finally {
            InferenceThreads.setIntraOpThreads(threadsBefore);
        }
    }

    @Test
    void exactlyOneSourceAndPositiveThreads() {
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> SpikeLmEmbeddingModel.builder().embeddedMiniLm().modelId("org/name").build());
        assertTrue(two.getMessage().contains("embeddedMiniLm()"), two.getMessage());
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
                () -> SpikeLmEmbeddingModel.builder().embeddedMiniLm().intraOpThreads(0).build());
        assertTrue(threads.getMessage().contains("intraOpThreads"), threads.getMessage());
    }

    private static double cosine(Embedding a, Embedding b) {
        float[] x = a.vector();
        float[] y = b.vector();
        double dot = 0;
        for (int i = 0; i < x.length; i++) {
            dot += x[i] * y[i];
        }
        return dot; // both are unit vectors
    }
}
