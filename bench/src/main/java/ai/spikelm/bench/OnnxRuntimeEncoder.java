package ai.spikelm.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A BERT encoder exported to ONNX ({@code input_ids}, {@code attention_mask}, {@code
 * token_type_ids} in, {@code last_hidden_state} out), run by ONNX Runtime on the CPU with a given
 * number of intra-op threads, as LangChain4j's own embedding models run it.
 */
final class OnnxRuntimeEncoder implements AutoCloseable {

    private final OrtEnvironment environment;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;

    /**
     * Opens a session with all graph optimisations, sequential execution and {@code threads}
     * threads per operator.
     *
     * @param onnx the model file
     * @param threads intra-op threads
     * @throws OrtException if ONNX Runtime cannot load the file
     */
    OnnxRuntimeEncoder(Path onnx, int threads) throws OrtException {
        environment = OrtEnvironment.getEnvironment();
        options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(onnx.toString(), options);
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /**
     * Runs a batch.
     *
     * @param ids input ids {@code [B][L]}
     * @param mask attention mask {@code [B][L]}
     * @param types token type ids {@code [B][L]}
     * @return last_hidden_state, {@code B·L·D} values row after row
     * @throws OrtException if the run fails
     */
    float[] lastHiddenState(long[][] ids, long[][] mask, long[][] types) throws OrtException {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(environment, ids));
            inputs.put("attention_mask", OnnxTensor.createTensor(environment, mask));
            inputs.put("token_type_ids", OnnxTensor.createTensor(environment, types));
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer values = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] out = new float[values.remaining()];
                values.get(out);
                return out;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        try {
            session.close();
        } finally {
            options.close();
        }
    }
}
