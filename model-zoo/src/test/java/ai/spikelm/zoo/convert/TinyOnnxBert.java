package ai.spikelm.zoo.convert;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Writes a small BERT as ONNX the way PyTorch's exporter does: Hugging Face names on
 * embeddings, LayerNorms and biases, anonymous {@code [in, out]} initializers behind named
 * MatMul nodes. Only the nodes the importer looks at are written; the graph is not runnable.
 */
final class TinyOnnxBert {

    static final int VOCAB = 11;
    static final int HIDDEN = 8;
    static final int LAYERS = 2;
    static final int HEADS = 2;
    static final int INTERMEDIATE = 12;
    static final int POSITIONS = 16;
    static final int TYPES = 2;

    /** Expected tensors in Hugging Face layout ([out, in] for linear weights). */
    final Map<String, float[]> values = new LinkedHashMap<>();
    final Map<String, long[]> shapes = new LinkedHashMap<>();

    /** How the head count is given: by a Reshape's constant shape, by the score scale, or not at all. */
    enum HeadsHint { RESHAPE, SCALE, NONE }

    HeadsHint headsHint = HeadsHint.RESHAPE;
    /** If set, a LayerNormalization node with this epsilon; otherwise LayerNorm spelt out with 1e-12. */
    Float layerNormalizationEpsilon;
    /** Hugging Face names to leave out of the model. */
    final Set<String> omit = new HashSet<>();
    /** Hugging Face names whose data go to float_data instead of raw_data. */
    final Set<String> asFloatData = new HashSet<>();
    /** Prefix on node and initializer names, as when exporting BertForSequenceClassification. */
    String basePrefix = "";

    TinyOnnxBert() {
        add("embeddings.word_embeddings.weight", VOCAB, HIDDEN);
        add("embeddings.position_embeddings.weight", POSITIONS, HIDDEN);
        add("embeddings.token_type_embeddings.weight", TYPES, HIDDEN);
        add("embeddings.LayerNorm.weight", HIDDEN);
        add("embeddings.LayerNorm.bias", HIDDEN);
        for (int l = 0; l < LAYERS; l++) {
            String p = "encoder.layer." + l + ".";
            for (String s : List.of("query", "key", "value")) {
                add(p + "attention.self." + s + ".weight", HIDDEN, HIDDEN);
                add(p + "attention.self." + s + ".bias", HIDDEN);
            }
            add(p + "attention.output.dense.weight", HIDDEN, HIDDEN);
            add(p + "attention.output.dense.bias", HIDDEN);
            add(p + "attention.output.LayerNorm.weight", HIDDEN);
            add(p + "attention.output.LayerNorm.bias", HIDDEN);
            add(p + "intermediate.dense.weight", INTERMEDIATE, HIDDEN);
            add(p + "intermediate.dense.bias", INTERMEDIATE);
            add(p + "output.dense.weight", HIDDEN, INTERMEDIATE);
            add(p + "output.dense.bias", HIDDEN);
            add(p + "output.LayerNorm.weight", HIDDEN);
            add(p + "output.LayerNorm.bias", HIDDEN);
        }
    }

    private void add(String name, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        Random random = new Random(name.hashCode());
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        values.put(name, v);
        shapes.put(name, shape);
    }

    byte[] build() {
        ProtoWriter graph = new ProtoWriter().string(2, "main_graph");
        int anonymous = 700;
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            String name = e.getKey();
            if (omit.contains(name)) {
                continue;
            }
            long[] shape = shapes.get(name);
            boolean linearWeight = name.endsWith(".weight") && shape.length == 2 && !name.startsWith("embeddings.");
            if (linearWeight) {
                // Stored [in, out] under an anonymous name, named by its MatMul node.
                String init = "onnx::MatMul_" + anonymous++;
                graph.message(5, tensor(init, new long[] {shape[1], shape[0]}, transpose(e.getValue(), shape), false));
                // encoder.layer.0.attention.self.query -> /encoder/layer.0/attention/self/query
                String module = ("/" + basePrefix + name.substring(0, name.length() - ".weight".length()))
                        .replace('.', '/').replaceAll("layer/(\\d+)", "layer.$1");
                graph.message(1, node(module + "/MatMul", "MatMul", List.of("x", init), List.of(module + "/MatMul_output_0")));
            } else {
                graph.message(5, tensor(basePrefix + name, shape, e.getValue(), asFloatData.contains(name)));
            }
        }
        // A buffer the exporter keeps and the importer should skip; int64_data rather than raw.
        graph.message(5, new ProtoWriter().packedInt64(1, 1, POSITIONS).varint(2, 7).string(8, basePrefix + "embeddings.position_ids")
                .packedInt64(7, positions()));
        addHeadsHint(graph);
        addLayerNorm(graph);
        return new ProtoWriter()
                .varint(1, 7)
                .string(2, "pytorch")
                .message(8, new ProtoWriter().string(1, "").varint(2, 11))
                .message(7, graph)
                .toByteArray();
    }

    private void addHeadsHint(ProtoWriter graph) {
        String p = "/encoder/layer.0/attention/self/";
        if (headsHint == HeadsHint.RESHAPE) {
            graph.message(1, constantInt64(p + "Constant_2", HEADS));
            graph.message(1, constantInt64(p + "Constant_3", HIDDEN / HEADS));
            graph.message(1, node(p + "Concat", "Concat",
                    List.of(p + "Unsqueeze_output_0", p + "Unsqueeze_1_output_0", p + "Constant_2_output_0", p + "Constant_3_output_0"),
                    List.of(p + "Concat_output_0")));
            graph.message(1, node(p + "Reshape", "Reshape", List.of(p + "key/Add_output_0", p + "Concat_output_0"),
                    List.of(p + "Reshape_output_0")));
        } else if (headsHint == HeadsHint.SCALE) {
            graph.message(1, node(p + "MatMul", "MatMul", List.of(p + "Transpose_1_output_0", p + "Transpose_2_output_0"),
                    List.of(p + "MatMul_output_0")));
            graph.message(1, constantFloat(p + "Constant_12", (float) Math.sqrt(HIDDEN / HEADS)));
            graph.message(1, node(p + "Div", "Div", List.of(p + "MatMul_output_0", p + "Constant_12_output_0"),
                    List.of(p + "Div_output_0")));
        }
    }

    private void addLayerNorm(ProtoWriter graph) {
        String p = "/embeddings/LayerNorm/";
        if (layerNormalizationEpsilon != null) {
            graph.message(1, node(p + "LayerNormalization", "LayerNormalization",
                    List.of("/embeddings/Add_1_output_0", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"),
                    List.of(p + "LayerNormalization_output_0"))
                    .message(5, new ProtoWriter().string(1, "epsilon").float32(2, layerNormalizationEpsilon).varint(20, 1)));
            return;
        }
        graph.message(1, node(p + "ReduceMean_1", "ReduceMean", List.of(p + "Pow_output_0"), List.of(p + "ReduceMean_1_output_0")));
        graph.message(1, constantFloat(p + "Constant_1", 1e-12f));
        graph.message(1, node(p + "Add", "Add", List.of(p + "ReduceMean_1_output_0", p + "Constant_1_output_0"),
                List.of(p + "Add_output_0")));
        graph.message(1, node(p + "Sqrt", "Sqrt", List.of(p + "Add_output_0"), List.of(p + "Sqrt_output_0")));
    }

    static ProtoWriter node(String name, String op, List<String> inputs, List<String> outputs) {
        ProtoWriter n = new ProtoWriter();
        inputs.forEach(i -> n.string(1, i));
        outputs.forEach(o -> n.string(2, o));
        return n.string(3, name).string(4, op);
    }

    private static ProtoWriter constantInt64(String name, long value) {
        ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        ProtoWriter t = new ProtoWriter().packedInt64(1, 1).varint(2, 7).bytes(9, raw.array());
        return node(name, "Constant", List.of(), List.of(name + "_output_0"))
                .message(5, new ProtoWriter().string(1, "value").message(5, t).varint(20, 4));
    }

    private static ProtoWriter constantFloat(String name, float value) {
        ByteBuffer raw = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
        ProtoWriter t = new ProtoWriter().varint(2, 1).bytes(9, raw.array());
        return node(name, "Constant", List.of(), List.of(name + "_output_0"))
                .message(5, new ProtoWriter().string(1, "value").message(5, t).varint(20, 4));
    }

    static ProtoWriter tensor(String name, long[] dims, float[] data, boolean asFloatData) {
        ProtoWriter t = new ProtoWriter().packedInt64(1, dims).varint(2, 1).string(8, name);
        if (asFloatData) {
            return t.packedFloats(4, data);
        }
        ByteBuffer raw = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(data);
        return t.bytes(9, raw.array());
    }

    static float[] transpose(float[] v, long[] shape) {
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        float[] out = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = v[r * cols + c];
            }
        }
        return out;
    }

    private static long[] positions() {
        long[] p = new long[POSITIONS];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        return p;
    }
}
