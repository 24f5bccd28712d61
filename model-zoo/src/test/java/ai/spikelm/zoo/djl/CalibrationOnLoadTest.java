package ai.spikelm.zoo.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.convert.BertCheckpointImport;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.SpikingConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model converted on load through DJL {@code Criteria} ({@code timeSteps}) is calibrated before
 * its first request, on the documented default calibration set or the {@code calibrationText}
 * file, so its vectors do not depend on request order. On the real all-MiniLM-L6-v2.
 */
class CalibrationOnLoadTest {

    private static final String A = "The train to the city was delayed by twenty minutes.";
    private static final String B = "A completely different sentence, about cats, dogs and the weather in spring, and much longer.";

    @TempDir static Path dir;
    static Path minilm;

    @BeforeAll
    static void saveMiniLmAsAnn() throws IOException {
        Path onnx = dir.resolve("minilm.onnx");
        copy("/all-minilm-l6-v2.onnx", onnx);
        minilm = dir.resolve("minilm");
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertLoader.save(
                    BertCheckpointImport.fromOnnx(onnx).toModel(manager, SpikingConfig.ANN, "BertModel", false), minilm);
        }
        copy("/all-minilm-l6-v2-tokenizer.json", minilm.resolve("tokenizer.json"));
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = CalibrationOnLoadTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource + " is not on the test class path");
            Files.copy(in, target);
        }
    }

    private static Criteria<String, float[]> criteria(Map<String, Object> arguments) {
        Criteria.Builder<String, float[]> b =
                Criteria.builder()
                        .setTypes(String.class, float[].class)
                        .optModelUrls("hf://" + minilm.toAbsolutePath())
                        .optTranslatorFactory(new SpikeLmTranslatorFactory())
                        .optArgument("timeSteps", 2);
        arguments.forEach(b::optArgument);
        return b.build();
    }

    /** Embeds the texts in order with a freshly loaded model; returns the vector of each. */
    private static Map<String, float[]> embedInOrder(String... texts) throws Exception {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (ZooModel<String, float[]> model = criteria(Map.of()).loadModel();
                Predictor<String, float[]> predictor = model.newPredictor()) {
            for (String text : texts) {
                out.put(text, predictor.predict(text));
            }
        }
        return out;
    }

    private static Map<String, float[]> alphas(ZooModel<?, ?> model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        HfWeights.spikingSites(model.getBlock()).forEach((site, block) -> out.put(site, block.getAmplitudes()));
        return out;
    }

    /** α of the model calibrated directly with {@link Calibration} on a set. */
    private static Map<String, float[]> directAlphas(CalibrationSet set) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertPreTrainedModel model =
                    SpikeBertLoader.builder()
                            .setModelDir(minilm)
                            .optSpiking(SpikingConfig.builder().optTimeSteps(2).build())
                            .optArchitecture("BertModel")
                            .build()
                            .load(manager);
            assertTrue(Calibration.needed(model));
            return Calibration.calibrate(model, minilm.resolve("tokenizer.json"), 512, set);
        }
    }

    private static void assertSameAlphas(Map<String, float[]> want, Map<String, float[]> got) {
        assertEquals(want.keySet(), got.keySet());
        want.forEach((site, alpha) -> assertArrayEquals(alpha, got.get(site), 0f, site));
    }

    @Test
    void vectorsDoNotDependOnWhichTextCameFirst() throws Exception {
        Map<String, float[]> aFirst = embedInOrder(A, B);
        Map<String, float[]> bFirst = embedInOrder(B, A);
        assertArrayEquals(aFirst.get(A), bFirst.get(A), 0f, "A");
        assertArrayEquals(aFirst.get(B), bFirst.get(B), 0f, "B");
        assertFalse(java.util.Arrays.equals(aFirst.get(A), aFirst.get(B)));
    }

    @Test
    void loadCalibratesOnTheDefaultSetOrTheNamedFile() throws Exception {
        Map<String, float[]> sample;
        try (ZooModel<String, float[]> model = criteria(Map.of()).loadModel()) {
            sample = alphas(model);
            assertEquals(6 * 8, sample.size(), "six layers of eight sites, all calibrated before any request");
            assertTrue(HfWeights.spikingSites(model.getBlock()).values().stream().allMatch(AbstractElasticSpikingBlock::isCalibrated));
        }
        assertEquals(40, CalibrationSet.sample().texts().size());
        assertSameAlphas(directAlphas(CalibrationSet.sample()), sample);

        Path other = dir.resolve("other.txt");
        Files.write(other, List.of("Cats sleep most of the day.", "", "The stock market fell sharply on Monday morning."));
        try (ZooModel<String, float[]> model = criteria(Map.of("calibrationText", other.toString())).loadModel()) {
            Map<String, float[]> fromFile = alphas(model);
            assertSameAlphas(directAlphas(CalibrationSet.read(other)), fromFile);
            String site = "encoder.layer.0.attention.self.query.neuron";
            assertFalse(java.util.Arrays.equals(sample.get(site), fromFile.get(site)), "another set, another α");
        }
    }

    @Test
    void aMissingCalibrationFileOrTokenizerIsNamed() throws IOException {
        Path missing = dir.resolve("no-such-file.txt");
        Exception e = assertThrows(Exception.class, () -> criteria(Map.of("calibrationText", missing.toString())).loadModel().close());
        assertTrue(messages(e).contains("no-such-file.txt"), messages(e));

        Path noTokenizer = dir.resolve("no-tokenizer");
        Files.createDirectories(noTokenizer);
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(minilm.resolve(f), noTokenizer.resolve(f));
        }
        Exception e2 =
                assertThrows(
                        Exception.class,
                        () -> Criteria.builder()
                                .setTypes(String.class, float[].class)
                                .optModelUrls("hf://" + noTokenizer.toAbsolutePath())
                                .optArgument("timeSteps", 1)
                                .build()
                                .loadModel()
                                .close());
        assertTrue(messages(e2).contains("tokenizer.json") && messages(e2).contains("calibrate"), messages(e2));
    }

    private static String messages(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            s.append(t).append(" | ");
        }
        return s.toString();
    }
}
