package ai.spikelm.zoo.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor held in host memory (possibly a memory-mapped slice of a checkpoint file), before it
 * becomes an engine {@link NDArray}.
 *
 * <p>The data are little-endian, as in safetensors. Floating types narrower than F32 are widened
 * in Java by {@link #toFloatArray()} and {@link #toNDArray(NDManager)}, so no BF16 or F16 tensor
 * ever reaches the engine.
 */
public final class HostTensor {

    private final TensorDType dtype;
    private final long[] shape;
    private final ByteBuffer data;

    /**
     * Wraps raw little-endian bytes.
     *
     * @param dtype the element type
     * @param shape the shape (empty for a scalar)
     * @param data the bytes; exactly {@code numel(shape) * dtype.byteSize()} remaining
     * @throws IllegalArgumentException if the byte length does not match shape and dtype
     */
    public HostTensor(TensorDType dtype, long[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape.clone();
        long expected = Math.multiplyExact(numel(this.shape), dtype.byteSize());
        if (data.remaining() != expected) {
            throw new IllegalArgumentException(
                    "Tensor of dtype "
                            + dtype
                            + " and shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + expected
                            + " bytes but "
                            + data.remaining()
                            + " were given");
        }
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Creates an F32 tensor from Java floats (row-major).
     *
     * @param shape the shape
     * @param values the values, {@code numel(shape)} of them
     * @return the tensor
     */
    public static HostTensor ofFloats(long[] shape, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return new HostTensor(TensorDType.F32, shape, buf);
    }

    /**
     * Copies an engine array (F32 or an integer type) to host memory.
     *
     * @param array the array
     * @return the tensor
     * @throws IllegalArgumentException if the array's data type has no checkpoint dtype
     */
    public static HostTensor of(NDArray array) {
        TensorDType dtype = fromDataType(array.getDataType());
        ByteBuffer bytes = array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(bytes).flip();
        return new HostTensor(dtype, array.getShape().getShape(), copy);
    }

    /**
     * Returns the element type.
     *
     * @return the dtype
     */
    public TensorDType dtype() {
        return dtype;
    }

    /**
     * Returns a copy of the shape.
     *
     * @return the shape
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Returns the number of elements.
     *
     * @return the element count
     */
    public long numel() {
        return numel(shape);
    }

    /**
     * Returns the number of bytes of the raw data.
     *
     * @return {@code numel() * dtype().byteSize()}
     */
    public long byteSize() {
        return data.remaining();
    }

    /**
     * Returns a read-only little-endian view of the raw bytes.
     *
     * @return the bytes
     */
    public ByteBuffer data() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Returns the values as F32, widening F16 and BF16 and narrowing F64.
     *
     * @return the values in row-major order
     * @throws IllegalStateException if the dtype is not floating point
     */
    public float[] toFloatArray() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        ByteBuffer b = data();
        switch (dtype) {
            case F32:
                b.asFloatBuffer().get(out);
                break;
            case F64:
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(i * 8);
                }
                break;
            case BF16:
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
                }
                break;
            case F16:
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(b.getShort(i * 2));
                }
                break;
            default:
                throw new IllegalStateException("Tensor of dtype " + dtype + " is not floating point");
        }
        return out;
    }

    /**
     * Creates an engine array: floating types become F32, integer types keep their type.
     *
     * @param manager the manager that will own the array
     * @return the array
     */
    public NDArray toNDArray(NDManager manager) {
        Shape s = new Shape(shape);
        if (dtype.isFloating()) {
            return manager.create(toFloatArray(), s);
        }
        ByteBuffer direct = manager.allocateDirect(data.remaining());
        direct.put(data()).flip();
        return manager.create(direct, s, toDataType(dtype));
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static float halfToFloat(short h) {
        // Float.float16ToFloat exists only from Java 20.
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static TensorDType fromDataType(DataType type) {
        switch (type) {
            case FLOAT32:
                return TensorDType.F32;
            case FLOAT64:
                return TensorDType.F64;
            case INT64:
                return TensorDType.I64;
            case INT32:
                return TensorDType.I32;
            case INT8:
                return TensorDType.I8;
            case UINT8:
                return TensorDType.U8;
            case BOOLEAN:
                return TensorDType.BOOL;
            default:
                throw new IllegalArgumentException("No checkpoint dtype for engine data type " + type);
        }
    }

    private static DataType toDataType(TensorDType dtype) {
        switch (dtype) {
            case I64:
                return DataType.INT64;
            case I32:
                return DataType.INT32;
            case I16:
                return DataType.INT16;
            case I8:
                return DataType.INT8;
            case U8:
                return DataType.UINT8;
            case BOOL:
                return DataType.BOOLEAN;
            default:
                throw new IllegalArgumentException("Not an integer dtype: " + dtype);
        }
    }
}
