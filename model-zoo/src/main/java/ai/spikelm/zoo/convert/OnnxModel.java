package ai.spikelm.zoo.convert;

import ai.spikelm.zoo.convert.ProtoReader.FloatList;
import ai.spikelm.zoo.convert.ProtoReader.LongList;
import ai.spikelm.zoo.weights.HostTensor;
import ai.spikelm.zoo.weights.TensorDType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code ModelProto} an importer needs: the main graph's nodes and
 * initializers. Field numbers are those of {@code onnx/onnx.proto}.
 *
 * @param nodes the graph's nodes, in file (topological) order
 * @param initializers the graph's initializers by name, in file order
 */
record OnnxModel(List<Node> nodes, Map<String, Tensor> initializers) {

    // ModelProto
    private static final int MODEL_GRAPH = 7;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    // AttributeProto
    private static final int ATTR_NAME = 1;
    private static final int ATTR_F = 2;
    private static final int ATTR_I = 3;
    private static final int ATTR_T = 5;
    private static final int ATTR_FLOATS = 7;
    private static final int ATTR_INTS = 8;
    // TensorProto
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_INT32_DATA = 5;
    private static final int TENSOR_INT64_DATA = 7;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_DATA_LOCATION = 14;

    /** ONNX allows at most this rank in practice; anything larger is a corrupt file. */
    private static final int MAX_RANK = 64;

    /**
     * Parses a serialized {@code ModelProto}.
     *
     * @param model the file contents; tensors keep slices of this buffer
     * @return the graph
     * @throws CheckpointFormatException if the bytes are not a well-formed ONNX model with a graph
     */
    static OnnxModel parse(ByteBuffer model) throws CheckpointFormatException {
        ProtoReader r = new ProtoReader(model, "ONNX ModelProto");
        ByteBuffer graph = null;
        while (r.next()) {
            if (r.field() == MODEL_GRAPH && r.wireType() == ProtoReader.WIRE_LENGTH_DELIMITED) {
                graph = r.readBytes();
            } else {
                r.skip();
            }
        }
        if (graph == null) {
            throw new CheckpointFormatException("Not an ONNX model: no graph (ModelProto field 7)");
        }
        return parseGraph(graph);
    }

    private static OnnxModel parseGraph(ByteBuffer graph) throws CheckpointFormatException {
        ProtoReader r = new ProtoReader(graph, "ONNX GraphProto");
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        while (r.next()) {
            if (r.field() == GRAPH_NODE) {
                nodes.add(parseNode(r.readBytes()));
            } else if (r.field() == GRAPH_INITIALIZER) {
                Tensor t = parseTensor(r.readBytes());
                if (initializers.put(t.name(), t) != null) {
                    throw new CheckpointFormatException("ONNX graph has two initializers named " + t.name());
                }
            } else {
                r.skip();
            }
        }
        return new OnnxModel(Collections.unmodifiableList(nodes), Collections.unmodifiableMap(initializers));
    }

    private static Node parseNode(ByteBuffer bytes) throws CheckpointFormatException {
        ProtoReader r = new ProtoReader(bytes, "ONNX NodeProto");
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        String name = "";
        String opType = "";
        while (r.next()) {
            switch (r.field()) {
                case NODE_INPUT -> inputs.add(r.readString());
                case NODE_OUTPUT -> outputs.add(r.readString());
                case NODE_NAME -> name = r.readString();
                case NODE_OP_TYPE -> opType = r.readString();
                case NODE_ATTRIBUTE -> {
                    Attribute a = parseAttribute(r.readBytes());
                    attributes.put(a.name(), a);
                }
                default -> r.skip();
            }
        }
        return new Node(name, opType, List.copyOf(inputs), List.copyOf(outputs), Collections.unmodifiableMap(attributes));
    }

    private static Attribute parseAttribute(ByteBuffer bytes) throws CheckpointFormatException {
        ProtoReader r = new ProtoReader(bytes, "ONNX AttributeProto");
        String name = "";
        Float f = null;
        Long i = null;
        Tensor t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        while (r.next()) {
            switch (r.field()) {
                case ATTR_NAME -> name = r.readString();
                case ATTR_F -> f = Float.intBitsToFloat(r.readFixed32());
                case ATTR_I -> i = r.readVarint();
                case ATTR_T -> t = parseTensor(r.readBytes());
                case ATTR_FLOATS -> r.readFloats(floats);
                case ATTR_INTS -> r.readInt64s(ints);
                default -> r.skip();
            }
        }
        return new Attribute(name, f, i, t, floats.toArray(), ints.toArray());
    }

    private static Tensor parseTensor(ByteBuffer bytes) throws CheckpointFormatException {
        ProtoReader r = new ProtoReader(bytes, "ONNX TensorProto");
        LongList dims = new LongList();
        int dataType = 0;
        String name = "";
        ByteBuffer raw = null;
        FloatList floatData = new FloatList();
        LongList int64Data = new LongList();
        LongList int32Data = new LongList();
        boolean external = false;
        while (r.next()) {
            switch (r.field()) {
                case TENSOR_DIMS -> {
                    r.readInt64s(dims);
                    if (dims.size() > MAX_RANK) {
                        throw new CheckpointFormatException("ONNX tensor has more than " + MAX_RANK + " dimensions");
                    }
                }
                case TENSOR_DATA_TYPE -> dataType = (int) r.readVarint();
                case TENSOR_NAME -> name = r.readString();
                case TENSOR_RAW_DATA -> raw = r.readBytes();
                case TENSOR_FLOAT_DATA -> r.readFloats(floatData);
                case TENSOR_INT64_DATA -> r.readInt64s(int64Data);
                case TENSOR_INT32_DATA -> r.readInt64s(int32Data);
                case TENSOR_DATA_LOCATION -> external = r.readVarint() == 1;
                default -> r.skip();
            }
        }
        return new Tensor(name, dataType, dims.toArray(), raw, floatData.toArray(), int64Data.toArray(),
                int32Data.toArray(), external);
    }

    /**
     * An ONNX node.
     *
     * @param name the node name, e.g. {@code /encoder/layer.0/attention/self/query/MatMul}
     * @param opType the operator, e.g. {@code MatMul}
     * @param inputs input value names
     * @param outputs output value names
     * @param attributes attributes by name
     */
    record Node(String name, String opType, List<String> inputs, List<String> outputs,
            Map<String, Attribute> attributes) {}

    /**
     * An ONNX attribute; only the kinds an importer reads are kept.
     *
     * @param name the attribute name
     * @param f a float value, or null
     * @param i an int value, or null
     * @param t a tensor value, or null
     * @param floats repeated floats
     * @param ints repeated ints
     */
    record Attribute(String name, Float f, Long i, Tensor t, float[] floats, long[] ints) {}

    /**
     * An ONNX tensor, data still in the file's encoding.
     *
     * @param name the tensor name
     * @param dataType the ONNX {@code TensorProto.DataType} code
     * @param dims the shape
     * @param raw the {@code raw_data} bytes (little-endian), or null
     * @param floatData the {@code float_data} values
     * @param int64Data the {@code int64_data} values
     * @param int32Data the {@code int32_data} values (widened)
     * @param external whether the data live in an external file
     */
    record Tensor(String name, int dataType, long[] dims, ByteBuffer raw, float[] floatData, long[] int64Data,
            long[] int32Data, boolean external) {

        /**
         * Returns the checkpoint dtype of an ONNX data type code.
         *
         * @return the dtype
         * @throws CheckpointFormatException for types with no checkpoint dtype (strings, complex,
         *     unsigned 16/32/64-bit, 8-bit floats)
         */
        TensorDType dtype() throws CheckpointFormatException {
            return switch (dataType) {
                case 1 -> TensorDType.F32;
                case 2 -> TensorDType.U8;
                case 3 -> TensorDType.I8;
                case 5 -> TensorDType.I16;
                case 6 -> TensorDType.I32;
                case 7 -> TensorDType.I64;
                case 9 -> TensorDType.BOOL;
                case 10 -> TensorDType.F16;
                case 11 -> TensorDType.F64;
                case 16 -> TensorDType.BF16;
                default -> throw new CheckpointFormatException(
                        "ONNX tensor " + name + " has unsupported data type " + dataType);
            };
        }

        /**
         * Decodes the tensor into host memory; {@code raw_data} is wrapped without a copy.
         *
         * @return the tensor
         * @throws CheckpointFormatException if the data are external, missing, of the wrong
         *     length, or in a field this reader does not decode
         */
        HostTensor toHostTensor() throws CheckpointFormatException {
            if (external) {
                throw new CheckpointFormatException("ONNX tensor " + name
                        + " keeps its data in an external file; only models with inline data are supported");
            }
            TensorDType dtype = dtype();
            long numel = numel();
            try {
                if (raw != null) {
                    return new HostTensor(dtype, dims, raw.duplicate().order(ByteOrder.LITTLE_ENDIAN));
                }
                if (dtype == TensorDType.F32 && floatData.length == numel) {
                    return HostTensor.ofFloats(dims, floatData);
                }
                if (dtype == TensorDType.I64 && int64Data.length == numel) {
                    ByteBuffer b = ByteBuffer.allocate(int64Data.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    b.asLongBuffer().put(int64Data);
                    return new HostTensor(dtype, dims, b);
                }
                if (dtype == TensorDType.I32 && int32Data.length == numel) {
                    ByteBuffer b = ByteBuffer.allocate(int32Data.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    for (long v : int32Data) {
                        b.putInt((int) v);
                    }
                    return new HostTensor(dtype, dims, b.flip());
                }
            } catch (IllegalArgumentException e) {
                throw new CheckpointFormatException("ONNX tensor " + name + ": " + e.getMessage(), e);
            }
            throw new CheckpointFormatException("ONNX tensor " + name + " of type " + dtype + " and shape "
                    + Arrays.toString(dims) + " has no raw_data and no typed data of " + numel + " elements");
        }

        /**
         * Returns the values of a small integer tensor (shape constants).
         *
         * @return the values, or null if the tensor is not an integer tensor with readable data
         */
        long[] integerValues() {
            try {
                if (external || (dataType != 6 && dataType != 7) || numel() > 1024) {
                    return null;
                }
                HostTensor t = toHostTensor();
                ByteBuffer b = t.data();
                long[] out = new long[Math.toIntExact(t.numel())];
                for (int k = 0; k < out.length; k++) {
                    out[k] = dataType == 7 ? b.getLong(k * 8) : b.getInt(k * 4);
                }
                return out;
            } catch (CheckpointFormatException | ArithmeticException | IllegalArgumentException e) {
                return null;
            }
        }

        /**
         * Returns the value of a one-element float tensor (epsilons, scales).
         *
         * @return the value, or null if the tensor is not a single F32/F64 value
         */
        Double scalarFloat() {
            try {
                if (external || (dataType != 1 && dataType != 11) || numel() != 1) {
                    return null;
                }
                return (double) toHostTensor().toFloatArray()[0];
            } catch (CheckpointFormatException | ArithmeticException | IllegalArgumentException e) {
                return null;
            }
        }

        private long numel() throws CheckpointFormatException {
            long n = 1;
            for (long d : dims) {
                if (d < 0) {
                    throw new CheckpointFormatException("ONNX tensor " + name + " has negative dimension in "
                            + Arrays.toString(dims));
                }
                try {
                    n = Math.multiplyExact(n, d);
                } catch (ArithmeticException e) {
                    throw new CheckpointFormatException("ONNX tensor " + name + " has an impossible shape "
                            + Arrays.toString(dims), e);
                }
            }
            return n;
        }
    }
}
