package ai.spikelm.tests;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.spikelm.zoo.core.EncodedBatch;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs an ONNX BERT export with ONNX Runtime: the independent reference implementation. */
final class OnnxReference {

    private OnnxReference() {}

    /** Returns last_hidden_state [B][L][D] for a padded batch. */
    static float[][][] lastHiddenState(Path onnx, EncodedBatch batch) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(onnx.toString(), options)) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                inputs.put("input_ids", OnnxTensor.createTensor(env, batch.inputIds()));
                inputs.put("attention_mask", OnnxTensor.createTensor(env, batch.attentionMask()));
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, batch.tokenTypeIds()));
                try (OrtSession.Result result = session.run(inputs)) {
                    return (float[][][]) result.get(0).getValue();
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    /** Mean over real tokens, then L2 normalisation (sentence-transformers pooling). */
    static float[][] meanPooledNormalized(float[][][] hidden, long[][] mask) {
        float[][] out = new float[hidden.length][];
        for (int b = 0; b < hidden.length; b++) {
            int d = hidden[b][0].length;
            double[] sum = new double[d];
            long count = 0;
            for (int l = 0; l < hidden[b].length; l++) {
                if (mask[b][l] != 0) {
                    count++;
                    for (int e = 0; e < d; e++) {
                        sum[e] += hidden[b][l][e];
                    }
                }
            }
            double norm = 0;
            for (int e = 0; e < d; e++) {
                sum[e] /= count;
                norm += sum[e] * sum[e];
            }
            norm = Math.sqrt(norm);
            out[b] = new float[d];
            for (int e = 0; e < d; e++) {
                out[b][e] = (float) (sum[e] / norm);
            }
        }
        return out;
    }
}
