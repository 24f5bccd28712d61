package ai.spikelm.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtException;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.djl.SpikeLmTranslatorFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Loading SpikeLM with DJL's {@code Criteria}: from a model folder, from a Hub id over the {@code
 * hf://} scheme, with batch and concurrent prediction, checked against ONNX Runtime.
 */
class DjlCriteriaTest {

    @TempDir static Path dir;
    static Path model;

    @BeforeAll
    static void convertMiniLm() throws IOException {
        model = dir.resolve("minilm");
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertLoader.save(MiniLmModels.model(manager, SpikingConfig.ANN), model);
        }
        Files.copy(MiniLm.tokenizer(), model.resolve("tokenizer.json"));
    }

    private static Criteria.Builder<String, float[]> embedding() {
        return Criteria.builder()
                .setTypes(String.class, float[].class)
                .optTranslatorFactory(new SpikeLmTranslatorFactory());
    }

    @Test
    void embeddingsMatchOnnxRuntime() throws Exception {
        EncodedBatch batch = MiniLmModels.sentences();
        float[][] want =
                OnnxReference.meanPooledNormalized(OnnxReference.lastHiddenState(MiniLm.onnx(), batch), batch.attentionMask());
        try (ZooModel<String, float[]> zoo = embedding().optModelPath(model).build().loadModel();
                Predictor<String, float[]> predictor = zoo.newPredictor()) {
            List<float[]> got = predictor.batchPredict(Arrays.asList(MiniLm.SENTENCES));
            for (int i = 0; i < want.length; i++) {
                assertArrayEquals(want[i], got.get(i), 1e-5f, "sentence " + i);
                // One at a time (no padding) gives the same vector.
                assertArrayEquals(got.get(i), predictor.predict(MiniLm.SENTENCES[i]), 1e-5f);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cls", "max", "mean_sqrt_len"})
    void poolingModesMatchTheirDefinitionOnOnnxRuntimeStates(String pooling) throws Exception {
        EncodedBatch batch = MiniLmModels.sentences();
        float[][][] hidden = OnnxReference.lastHiddenState(MiniLm.onnx(), batch);
        try (ZooModel<String, float[]> zoo =
                        embedding().optModelPath(model).optArgument("pooling", pooling).optArgument("normalize", "false")
                                .build().loadModel();
                Predictor<String, float[]> predictor = zoo.newPredictor()) {
            List<float[]> got = predictor.batchPredict(Arrays.asList(MiniLm.SENTENCES));
            for (int b = 0; b < hidden.length; b++) {
                int d = hidden[b][0].length;
                float[] want = new float[d];
                long n = Arrays.stream(batch.attentionMask()[b]).sum();
                for (int e = 0; e < d; e++) {
                    double acc = pooling.equals("max") ? Double.NEGATIVE_INFINITY : 0;
                    for (int l = 0; l < n; l++) {
                        acc = pooling.equals("max") ? Math.max(acc, hidden[b][l][e]) : acc + hidden[b][l][e];
                    }
                    want[e] = (float) (pooling.equals("cls") ? hidden[b][0][e]
                            : pooling.equals("max") ? acc : acc / Math.sqrt(n));
                }
                assertArrayEquals(want, got.get(b), 1e-4f, pooling + " sentence " + b);
            }
        }
    }

    @Test
    void hubIdOverLoopbackAndTimeStepsArgument(@TempDir Path cache) throws Exception {
        try (LoopbackHub hub = new LoopbackHub("acme/minilm-spikelm", model)) {
            System.setProperty("HF_ENDPOINT", hub.endpoint());
            System.setProperty("HF_HUB_CACHE", cache.toString());
            try (ZooModel<String, float[]> ann = embedding().optModelUrls("hf://acme/minilm-spikelm").build().loadModel();
                    ZooModel<String, float[]> spiking =
                            embedding()
                                    .optModelUrls("hf://acme/minilm-spikelm")
                                    .optArgument("timeSteps", 4)
                                    .build()
                                    .loadModel();
                    Predictor<String, float[]> a = ann.newPredictor();
                    Predictor<String, float[]> s = spiking.newPredictor()) {
                int fetched = hub.bodies();
                assertTrue(fetched >= 3, "config, weights and tokenizer come from the hub: " + fetched);
                assertTrue(Files.isDirectory(cache.resolve("models--acme--minilm-spikelm/snapshots/" + LoopbackHub.COMMIT)));
                float[] x = a.predict(MiniLm.SENTENCES[0]);
                float[] y = s.predict(MiniLm.SENTENCES[0]);
                double cosine = 0;
                double norm = 0;
                for (int i = 0; i < x.length; i++) {
                    cosine += x[i] * y[i];
                    norm += y[i] * y[i];
                }
                // Conversion alone (no fine-tuning) moves the vector a lot; report it, check it is a spiking model.
                System.out.printf("MiniLM ANN vs SpikeLM T=4 (calibrated on the embedded sample on load) cosine: %.3f%n", cosine);
                assertTrue(cosine < 0.9999, "timeSteps=4 must give a spiking model: cosine " + cosine);
                assertEquals(1.0, norm, 1e-5, "embeddings are normalised");
                assertEquals(fetched, hub.bodies(), "the second load is a cache hit");
            } finally {
                System.clearProperty("HF_ENDPOINT");
                System.clearProperty("HF_HUB_CACHE");
            }
        }
    }

    @Test
    void onePredictorPerThreadUnderConcurrentUse() throws Exception {
        try (ZooModel<String, float[]> zoo = embedding().optModelPath(model).build().loadModel()) {
            List<float[]> reference = new ArrayList<>();
            try (Predictor<String, float[]> p = zoo.newPredictor()) {
                for (String s : MiniLm.SENTENCES) {
                    reference.add(p.predict(s));
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    futures.add(
                            pool.submit(
                                    () -> {
                                        int checked = 0;
                                        try (Predictor<String, float[]> p = zoo.newPredictor()) {
                                            for (int round = 0; round < 3; round++) {
                                                for (int i = 0; i < MiniLm.SENTENCES.length; i++) {
                                                    assertArrayEquals(reference.get(i), p.predict(MiniLm.SENTENCES[i]), 1e-6f);
                                                    checked++;
                                                }
                                            }
                                        }
                                        return checked;
                                    }));
                }
                for (Future<Integer> f : futures) {
                    assertEquals(24, f.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void badRequestsGiveClearErrors() throws Exception {
        try (ZooModel<String, float[]> zoo =
                        embedding().optModelPath(model).optArgument("maxLength", 8).optArgument("truncation", "false").build().loadModel();
                Predictor<String, float[]> predictor = zoo.newPredictor()) {
            TranslateException empty = assertThrows(TranslateException.class, () -> predictor.predict("  "));
            assertTrue(empty.getCause().getMessage().contains("empty"), empty.getCause().getMessage());
            TranslateException tooLong = assertThrows(TranslateException.class, () -> predictor.predict(MiniLm.SENTENCES[6]));
            assertTrue(tooLong.getCause().getMessage().contains("more than maxLength 8"), tooLong.getCause().getMessage());
        }
    }
}
