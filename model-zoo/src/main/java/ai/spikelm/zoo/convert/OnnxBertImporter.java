package ai.spikelm.zoo.convert;

import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.convert.OnnxModel.Attribute;
import ai.spikelm.zoo.convert.OnnxModel.Node;
import ai.spikelm.zoo.convert.OnnxModel.Tensor;
import ai.spikelm.zoo.weights.HostTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Imports an ONNX export of a Hugging Face BERT encoder (such as all-MiniLM-L6-v2) into the
 * Hugging Face {@code BertModel} layout.
 *
 * <p>PyTorch's exporter keeps the Hugging Face names of embedding, LayerNorm and bias
 * initializers, but stores each linear weight as an anonymous initializer ({@code
 * onnx::MatMul_787}) transposed to {@code [in, out]}. Such a weight is named after the MatMul
 * node that consumes it ({@code /encoder/layer.0/attention/self/query/MatMul} becomes {@code
 * encoder.layer.0.attention.self.query.weight}) and transposed back to {@code [out, in]}.
 *
 * <p>The head count is not visible in the weights: it is read from the attention Reshape's
 * constant shape or, failing that, from the {@code 1/sqrt(head_dim)} score scale, unless the
 * caller gives it. The LayerNorm epsilon comes from a {@code LayerNormalization} node or, in
 * exports that spell LayerNorm out, from the constant added before its {@code Sqrt}.
 */
public final class OnnxBertImporter {

    /** Protobuf messages cannot exceed 2 GiB; larger models need external data. */
    private static final long MAX_MODEL_BYTES = Integer.MAX_VALUE;

    private final OnnxModel model;
    private final Map<String, Node> producers = new HashMap<>();

    private OnnxBertImporter(OnnxModel model) {
        this.model = model;
        for (Node n : model.nodes()) {
            for (String out : n.outputs()) {
                producers.put(out, n);
            }
        }
    }

    /**
     * Imports an ONNX file, inferring the head count from the graph.
     *
     * @param file the {@code .onnx} file
     * @return config and tensors in Hugging Face layout
     * @throws CheckpointFormatException if the file is malformed, not a complete BERT, or the
     *     head count cannot be inferred
     * @throws IOException if the file cannot be read
     */
    public static ImportedBert read(Path file) throws IOException {
        return read(file, OptionalInt.empty());
    }

    /**
     * Imports an ONNX file with a known head count.
     *
     * @param file the {@code .onnx} file
     * @param numAttentionHeads the head count, which overrides what the graph suggests
     * @return config and tensors in Hugging Face layout
     * @throws CheckpointFormatException if the file is malformed or not a complete BERT
     * @throws IOException if the file cannot be read
     */
    public static ImportedBert read(Path file, int numAttentionHeads) throws IOException {
        return read(file, OptionalInt.of(numAttentionHeads));
    }

    /**
     * Imports an ONNX file. The file is memory-mapped and tensors that need no transpose are
     * views of the mapping.
     *
     * @param file the {@code .onnx} file
     * @param numAttentionHeads the head count, or empty to infer it from the graph
     * @return config and tensors in Hugging Face layout
     * @throws CheckpointFormatException if the file is malformed, not a complete BERT, or the
     *     head count is neither given nor inferable
     * @throws IOException if the file cannot be read
     */
    public static ImportedBert read(Path file, OptionalInt numAttentionHeads) throws IOException {
        ByteBuffer bytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > MAX_MODEL_BYTES) {
                throw new CheckpointFormatException(file + " is " + size
                        + " bytes, over protobuf's 2 GiB limit; models with external data are not supported");
            }
            bytes = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        try {
            return read(bytes, numAttentionHeads);
        } catch (CheckpointFormatException e) {
            throw new CheckpointFormatException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Imports a serialized ONNX model held in memory.
     *
     * @param modelBytes the {@code ModelProto} bytes, from position to limit; imported tensors
     *     may be views of this buffer
     * @param numAttentionHeads the head count, or empty to infer it from the graph
     * @return config and tensors in Hugging Face layout
     * @throws CheckpointFormatException if the model is malformed, not a complete BERT, or the
     *     head count is neither given nor inferable
     */
    public static ImportedBert read(ByteBuffer modelBytes, OptionalInt numAttentionHeads)
            throws CheckpointFormatException {
        return new OnnxBertImporter(OnnxModel.parse(modelBytes)).importBert(numAttentionHeads);
    }

    private ImportedBert importBert(OptionalInt explicitHeads) throws CheckpointFormatException {
        Map<String, String> matMulNames = weightNamesFromMatMuls();
        Map<String, HostTensor> found = new HashMap<>();
        List<String> skipped = new ArrayList<>();
        for (Tensor init : model.initializers().values()) {
            String direct = stripBasePrefix(init.name());
            String hfName;
            boolean transpose;
            if (BertLayout.isParameterName(direct)) {
                hfName = direct;
                transpose = false;
            } else if (matMulNames.containsKey(init.name())) {
                hfName = matMulNames.get(init.name());
                transpose = true;
            } else {
                skipped.add(init.name());
                continue;
            }
            HostTensor t = init.toHostTensor();
            if (transpose) {
                if (t.shape().length != 2) {
                    throw new CheckpointFormatException("MatMul weight " + init.name() + " for " + hfName
                            + " is not 2-D");
                }
                t = transpose(t, init.name());
            }
            if (found.put(hfName, t) != null) {
                throw new CheckpointFormatException("Two ONNX initializers map to " + hfName);
            }
        }
        Map<String, HostTensor> tensors = BertLayout.canonicalOrder(found);
        int hidden = BertLayout.hiddenSize(tensors);
        int heads = explicitHeads.isPresent() ? explicitHeads.getAsInt() : inferHeads(hidden);
        SpikeBertConfig config = BertLayout.inferConfig(tensors, heads, layerNormEps(), "gelu");
        BertLayout.validate(tensors, config);
        return new ImportedBert(config, tensors, skipped);
    }

    private static HostTensor transpose(HostTensor t, String name) throws CheckpointFormatException {
        try {
            return Matrices.transpose(t);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException("ONNX tensor " + name + ": " + e.getMessage(), e);
        }
    }

    /** Maps each anonymous MatMul weight initializer to the Hugging Face name of its node. */
    private Map<String, String> weightNamesFromMatMuls() throws CheckpointFormatException {
        Map<String, String> names = new HashMap<>();
        for (Node n : model.nodes()) {
            if (!n.opType().equals("MatMul") || n.inputs().size() != 2) {
                continue;
            }
            String weight = n.inputs().get(1);
            if (!model.initializers().containsKey(weight) || BertLayout.isParameterName(stripBasePrefix(weight))) {
                continue;
            }
            String hfName = hfNameOfMatMul(n);
            if (hfName == null) {
                continue;
            }
            String previous = names.put(weight, hfName);
            if (previous != null && !previous.equals(hfName)) {
                throw new CheckpointFormatException("Initializer " + weight + " feeds both " + previous
                        + " and " + hfName);
            }
        }
        return names;
    }

    /**
     * Derives {@code encoder.layer.0.attention.self.query.weight} from a node named {@code
     * /encoder/layer.0/attention/self/query/MatMul} (or from its output name when the node is
     * unnamed).
     */
    private static String hfNameOfMatMul(Node n) {
        String path = n.name();
        if (path.isEmpty() && !n.outputs().isEmpty()) {
            path = n.outputs().get(0).replaceFirst("_output_\\d+$", "");
        }
        int lastSlash = path.lastIndexOf('/');
        if (lastSlash <= 0) {
            return null;
        }
        String module = path.substring(path.startsWith("/") ? 1 : 0, lastSlash).replace('/', '.');
        String name = stripBasePrefix(module) + ".weight";
        return BertLayout.isParameterName(name) ? name : null;
    }

    private static String stripBasePrefix(String name) {
        return name.startsWith(ImportedBert.BASE_MODEL_PREFIX)
                ? name.substring(ImportedBert.BASE_MODEL_PREFIX.length())
                : name;
    }

    /**
     * Infers the head count: first from a Reshape to {@code [batch, seq, heads, head_dim]},
     * then from the score scale {@code Div(QK, sqrt(head_dim))} or {@code Mul(QK, 1/sqrt(head_dim))}.
     */
    private int inferHeads(int hidden) throws CheckpointFormatException {
        Set<Integer> fromReshape = new TreeSet<>();
        Set<Integer> fromScale = new TreeSet<>();
        for (Node n : model.nodes()) {
            if (n.opType().equals("Reshape") && n.inputs().size() == 2) {
                Integer h = headsFromReshapeShape(shapeVector(n.inputs().get(1)), hidden);
                if (h != null) {
                    fromReshape.add(h);
                }
            } else if ((n.opType().equals("Div") || n.opType().equals("Mul")) && n.inputs().size() == 2) {
                Integer h = headsFromScale(n, hidden);
                if (h != null) {
                    fromScale.add(h);
                }
            }
        }
        // A single agreeing answer is trusted; disagreement means the graph is not plain BERT.
        if (fromReshape.size() == 1) {
            return fromReshape.iterator().next();
        }
        if (fromScale.size() == 1) {
            return fromScale.iterator().next();
        }
        throw new CheckpointFormatException("Cannot infer num_attention_heads from the ONNX graph (reshape"
                + " candidates " + fromReshape + ", scale candidates " + fromScale
                + "); pass the head count explicitly");
    }

    private static Integer headsFromReshapeShape(long[] v, int hidden) {
        if (v == null || v.length != 4) {
            return null;
        }
        long heads = v[2];
        long headDim = v[3];
        if (heads > 0 && headDim > 0) {
            return heads * headDim == hidden ? (int) heads : null;
        }
        if (heads > 0 && headDim == -1) {
            return hidden % heads == 0 ? (int) heads : null;
        }
        if (heads == -1 && headDim > 0) {
            return hidden % headDim == 0 ? (int) (hidden / headDim) : null;
        }
        return null;
    }

    /** Reads {@code sqrt(head_dim)} off the scaling of Q·Kᵀ, a MatMul of two computed values. */
    private Integer headsFromScale(Node n, int hidden) {
        Node scores = producers.get(n.inputs().get(0));
        if (scores == null || !scores.opType().equals("MatMul")
                || scores.inputs().stream().anyMatch(model.initializers()::containsKey)) {
            return null;
        }
        Double c = scalarFloat(n.inputs().get(1));
        if (c == null || !(c > 0)) {
            return null;
        }
        double headDim = n.opType().equals("Div") ? c * c : 1.0 / (c * c);
        long rounded = Math.round(headDim);
        if (rounded <= 0 || Math.abs(headDim - rounded) > 1e-3 * rounded || hidden % rounded != 0) {
            return null;
        }
        return (int) (hidden / rounded);
    }

    /**
     * Resolves a Reshape's shape input to its values: a constant, or a Concat whose
     * non-constant parts (batch and sequence sizes computed at run time) count as one unknown
     * element each, written 0.
     */
    private long[] shapeVector(String value) {
        long[] constant = integerConstant(value);
        if (constant != null) {
            return constant;
        }
        Node producer = producers.get(value);
        if (producer == null || !producer.opType().equals("Concat") || producer.inputs().size() > 16) {
            return null;
        }
        ProtoReader.LongList out = new ProtoReader.LongList();
        for (String in : producer.inputs()) {
            long[] part = integerConstant(in);
            if (part == null) {
                out.add(0);
            } else {
                for (long p : part) {
                    out.add(p);
                }
            }
        }
        return out.toArray();
    }

    /**
     * Returns the LayerNorm epsilon: a {@code LayerNormalization} node's attribute (1e-5 when
     * absent, per the ONNX spec), else the constant of {@code Sqrt(Add(ReduceMean(..), eps))},
     * else BERT's 1e-12.
     */
    private float layerNormEps() {
        for (Node n : model.nodes()) {
            if (n.opType().equals("LayerNormalization")) {
                Attribute eps = n.attributes().get("epsilon");
                return eps != null && eps.f() != null ? eps.f() : 1e-5f;
            }
        }
        for (Node n : model.nodes()) {
            if (!n.opType().equals("Sqrt") || n.inputs().size() != 1) {
                continue;
            }
            Node add = producers.get(n.inputs().get(0));
            if (add == null || !add.opType().equals("Add") || add.inputs().size() != 2) {
                continue;
            }
            for (int k = 0; k < 2; k++) {
                Node variance = producers.get(add.inputs().get(k));
                Double eps = scalarFloat(add.inputs().get(1 - k));
                if (variance != null && variance.opType().equals("ReduceMean") && eps != null) {
                    return eps.floatValue();
                }
            }
        }
        return BertLayout.BERT_LAYER_NORM_EPS;
    }

    private long[] integerConstant(String value) {
        Tensor t = constantTensor(value);
        if (t != null) {
            return t.integerValues();
        }
        Node n = producers.get(value);
        if (n != null && n.opType().equals("Constant")) {
            Attribute ints = n.attributes().get("value_ints");
            if (ints != null) {
                return ints.ints();
            }
            Attribute i = n.attributes().get("value_int");
            if (i != null && i.i() != null) {
                return new long[] {i.i()};
            }
        }
        return null;
    }

    private Double scalarFloat(String value) {
        Tensor t = constantTensor(value);
        if (t != null) {
            return t.scalarFloat();
        }
        Node n = producers.get(value);
        if (n != null && n.opType().equals("Constant")) {
            Attribute f = n.attributes().get("value_float");
            if (f != null && f.f() != null) {
                return (double) f.f();
            }
        }
        return null;
    }

    /** An initializer, or the tensor of a {@code Constant} node's {@code value} attribute. */
    private Tensor constantTensor(String value) {
        Tensor init = model.initializers().get(value);
        if (init != null) {
            return init;
        }
        Node n = producers.get(value);
        if (n != null && n.opType().equals("Constant")) {
            Attribute a = n.attributes().get("value");
            return a == null ? null : a.t();
        }
        return null;
    }
}
