package ai.spikelm.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.core.EncodedBatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The embedded all-MiniLM-L6-v2 through DJL with nothing but its URL, and DJL's serving contract
 * ({@code Input → Output}, JSON) chosen by the folder's {@code serving.properties} alone; both
 * checked against ONNX Runtime on the same weights.
 */
class DjlEmbeddedAndServingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static float[][] onnxRuntimeVectors() throws Exception {
        EncodedBatch batch = MiniLmModels.sentences();
        return OnnxReference.meanPooledNormalized(OnnxReference.lastHiddenState(MiniLm.onnx(), batch), batch.attentionMask());
    }

    @Test
    void embeddedUrlAloneGivesTheRealModelsVectors() throws Exception {
        float[][] want = onnxRuntimeVectors();
        Criteria<String, float[]> criteria =
                Criteria.builder().setTypes(String.class, float[].class).optModelUrls(EmbeddedMiniLm.DJL_URL).build();
        try (ZooModel<String, float[]> model = criteria.loadModel();
                Predictor<String, float[]> predictor = model.newPredictor()) {
            List<float[]> got = predictor.batchPredict(Arrays.asList(MiniLm.SENTENCES));
            for (int i = 0; i < want.length; i++) {
                assertArrayEquals(want[i], got.get(i), 1e-5f, "sentence " + i);
            }
        }
    }

    @Test
    void servingPropertiesAloneServeJsonEmbeddings() throws Exception {
        float[][] want = onnxRuntimeVectors();
        Criteria<Input, Output> criteria =
                Criteria.builder().setTypes(Input.class, Output.class).optModelPath(EmbeddedMiniLm.directory()).build();
        try (ZooModel<Input, Output> model = criteria.loadModel();
                Predictor<Input, Output> predictor = model.newPredictor()) {
            // A JSON batch, as DJL Serving clients send it.
            Input batch = new Input();
            batch.addProperty("Content-Type", "application/json");
            batch.add(JSON.writeValueAsString(JSON.createObjectNode().set("inputs", JSON.valueToTree(List.of(MiniLm.SENTENCES[0], MiniLm.SENTENCES[1])))));
            Output out = predictor.predict(batch);
            assertEquals("application/json", out.getProperty("Content-Type", null));
            JsonNode vectors = JSON.readTree(out.getData().getAsString());
            assertEquals(2, vectors.size(), vectors.toString());
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(want[i], floats(vectors.get(i)), 1e-5f, "sentence " + i);
            }
            // Plain text: one vector.
            Input text = new Input();
            text.add(MiniLm.SENTENCES[2].getBytes(StandardCharsets.UTF_8));
            assertArrayEquals(want[2], floats(JSON.readTree(predictor.predict(text).getData().getAsString())), 1e-5f);
        }
    }

    @Test
    void servingRefusesAModelThatIsNotAnEmbedder() throws Exception {
        Criteria<Input, Output> criteria =
                Criteria.builder()
                        .setTypes(Input.class, Output.class)
                        .optModelPath(EmbeddedMiniLm.directory())
                        .optArgument("architecture", "BertForMaskedLM")
                        .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, criteria::loadModel);
        assertTrue(e.getMessage().contains("Input → Output") && e.getMessage().contains("SpikeBertForMaskedLM"), e.getMessage());
    }

    private static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }
}
