package ai.spikelm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtException;
import ai.spikelm.zoo.bert.SpikeBertModel;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.SpikingConfig;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The ANN path of SpikeLM-BERT is an exact BERT: on the real all-MiniLM-L6-v2 weights it agrees
 * with ONNX Runtime running the original ONNX file on the same padded batch.
 */
class MiniLmParityTest {

    @Test
    void annMatchesOnnxRuntime() throws IOException, OrtException {
        EncodedBatch batch = MiniLmModels.sentences();
        assertEquals(8, batch.inputIds().length);
        assertTrue(batch.inputIds()[6].length > 2 * 12, "the batch mixes long and short sentences");
        float[][][] reference = OnnxReference.lastHiddenState(MiniLm.onnx(), batch);

        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = MiniLmModels.model(manager, SpikingConfig.ANN);
            NDArray hidden =
                    model.forward(new ParameterStore(manager, false), batch.toNDList(manager), false).get(0);
            float[] ours = hidden.toFloatArray();
            int length = reference[0].length;
            int d = reference[0][0].length;
            assertEquals(384, d);
            double worst = 0;
            float[][][] oursShaped = new float[reference.length][length][d];
            for (int b = 0; b < reference.length; b++) {
                for (int l = 0; l < length; l++) {
                    for (int e = 0; e < d; e++) {
                        float v = ours[(b * length + l) * d + e];
                        oursShaped[b][l][e] = v;
                        worst = Math.max(worst, Math.abs(v - reference[b][l][e]));
                    }
                }
            }
            System.out.printf("MiniLM last_hidden_state max |Δ| vs ONNX Runtime: %.3g%n", worst);
            assertTrue(worst <= 1e-4, "last_hidden_state max |Δ| = " + worst);

            float[][] want = OnnxReference.meanPooledNormalized(reference, batch.attentionMask());
            float[][] got = OnnxReference.meanPooledNormalized(oursShaped, batch.attentionMask());
            double worstEmbedding = 0;
            for (int b = 0; b < want.length; b++) {
                for (int e = 0; e < d; e++) {
                    worstEmbedding = Math.max(worstEmbedding, Math.abs(want[b][e] - got[b][e]));
                }
            }
            System.out.printf("MiniLM sentence embedding max |Δ| vs ONNX Runtime: %.3g%n", worstEmbedding);
            assertTrue(worstEmbedding <= 1e-5, "embedding max |Δ| = " + worstEmbedding);
        }
    }
}
