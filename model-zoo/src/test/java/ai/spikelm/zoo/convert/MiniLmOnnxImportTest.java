package ai.spikelm.zoo.convert;

import ai.spikelm.zoo.bert.SpikeBertConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.weights.HostTensor;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Imports the real all-MiniLM-L6-v2 ONNX file (from the langchain4j test dependency) and checks
 * it against facts about that file established independently: its sizes, its LayerNorm epsilon,
 * and the raw bytes of the initializer behind the first query MatMul.
 */
class MiniLmOnnxImportTest {

    private static final String RESOURCE = "/all-minilm-l6-v2.onnx";
    /** The anonymous initializer consumed by /encoder/layer.0/attention/self/query/MatMul in this file. */
    private static final String LAYER0_QUERY_INITIALIZER = "onnx::MatMul_787";

    private static byte[] modelBytes;
    private static ImportedBert bert;

    @BeforeAll
    static void importModel() throws IOException {
        try (InputStream in = MiniLmOnnxImportTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " is not on the test class path");
            modelBytes = in.readAllBytes();
        }
        bert = OnnxBertImporter.read(ByteBuffer.wrap(modelBytes), OptionalInt.empty());
    }

    @Test
    void configMatchesTheKnownArchitecture() {
        SpikeBertConfig c = bert.config();
        assertEquals(30522, c.vocabSize());
        assertEquals(384, c.hiddenSize());
        assertEquals(6, c.numHiddenLayers());
        assertEquals(12, c.numAttentionHeads());
        assertEquals(1536, c.intermediateSize());
        assertEquals(512, c.maxPositionEmbeddings());
        assertEquals(2, c.typeVocabSize());
        assertEquals(1e-12f, c.layerNormEps());
    }

    @Test
    void everyEncoderTensorIsPresentWithItsShape() {
        Map<String, long[]> expected = BertLayout.requiredShapes(bert.config());
        assertEquals(5 + 6 * 16, expected.size());
        assertEquals(expected.keySet(), bert.tensors().keySet(), "no pooler in this export, nothing else");
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), bert.tensors().get(e.getKey()).shape(), e.getKey());
        }
        assertEquals(java.util.List.of("embeddings.position_ids"), bert.skipped());
    }

    @Test
    void queryWeightIsTheTransposedRawInitializer() throws IOException {
        float[] raw = rawInitializer(LAYER0_QUERY_INITIALIZER); // [in=384, out=384]
        float[] hf = bert.tensors().get("encoder.layer.0.attention.self.query.weight").toFloatArray(); // [out, in]
        int n = 384;
        for (int out = 0; out < n; out++) {
            for (int in = 0; in < n; in++) {
                if (hf[out * n + in] != raw[in * n + out]) {
                    throw new AssertionError("Mismatch at [" + out + "," + in + "]");
                }
            }
        }
        // Not symmetric, so the transpose is observable.
        assertTrue(raw[1] != raw[n]);
    }

    @Test
    void namedInitializersAreKeptVerbatim() throws IOException {
        HostTensor word = bert.tensors().get("embeddings.word_embeddings.weight");
        float[] raw = rawInitializer("embeddings.word_embeddings.weight");
        assertArrayEquals(raw, word.toFloatArray());
    }

    /**
     * Finds an initializer's raw_data by walking ModelProto.graph (7) → GraphProto.initializer (5)
     * → TensorProto name (8) / raw_data (9) with protobuf's generic reader, independently of the
     * importer.
     */
    private static float[] rawInitializer(String name) throws IOException {
        CodedInputStream model = CodedInputStream.newInstance(modelBytes);
        model.setSizeLimit(Integer.MAX_VALUE);
        for (int tag = model.readTag(); tag != 0; tag = model.readTag()) {
            if (tag >>> 3 != 7) {
                model.skipField(tag);
                continue;
            }
            CodedInputStream graph = CodedInputStream.newInstance(model.readByteBuffer());
            for (int g = graph.readTag(); g != 0; g = graph.readTag()) {
                if (g >>> 3 != 5) {
                    graph.skipField(g);
                    continue;
                }
                CodedInputStream tensor = CodedInputStream.newInstance(graph.readByteBuffer());
                String tensorName = null;
                ByteBuffer data = null;
                for (int t = tensor.readTag(); t != 0; t = tensor.readTag()) {
                    if (t >>> 3 == 8) {
                        tensorName = tensor.readStringRequireUtf8();
                    } else if (t >>> 3 == 9) {
                        data = tensor.readByteBuffer();
                    } else {
                        tensor.skipField(t);
                    }
                }
                if (name.equals(tensorName)) {
                    float[] out = new float[data.remaining() / 4];
                    data.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
                    return out;
                }
            }
        }
        throw new AssertionError("No initializer " + name);
    }
}
