package ai.spikelm.zoo.weights;

import java.util.Locale;

/**
 * The element types a checkpoint on disk may hold, with their safetensors names.
 *
 * <p>Floating types narrower than 32 bits are widened to {@link #F32} in Java before a tensor
 * reaches an engine (the PyTorch engine aborts the JVM on BF16 tensors).
 */
public enum TensorDType {
    /** IEEE 754 single precision. */
    F32(4),
    /** IEEE 754 half precision. */
    F16(2),
    /** bfloat16: the upper 16 bits of an F32. */
    BF16(2),
    /** IEEE 754 double precision. */
    F64(8),
    /** Signed 64-bit integer. */
    I64(8),
    /** Signed 32-bit integer. */
    I32(4),
    /** Signed 16-bit integer. */
    I16(2),
    /** Signed 8-bit integer. */
    I8(1),
    /** Unsigned 8-bit integer. */
    U8(1),
    /** Boolean stored as one byte. */
    BOOL(1);

    private final int byteSize;

    TensorDType(int byteSize) {
        this.byteSize = byteSize;
    }

    /**
     * Returns the number of bytes of one element.
     *
     * @return the element size in bytes
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Returns whether this is a floating point type.
     *
     * @return true for F16, BF16, F32 and F64
     */
    public boolean isFloating() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /**
     * Returns the name of this type in a safetensors header, such as {@code "BF16"}.
     *
     * @return the safetensors dtype name
     */
    public String safetensorsName() {
        return name();
    }

    /**
     * Parses a safetensors dtype name such as {@code "F32"} or {@code "BF16"}.
     *
     * @param name the dtype as written in a safetensors header
     * @return the dtype
     * @throws IllegalArgumentException if the name is not a supported dtype
     */
    public static TensorDType fromSafetensorsName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Unsupported tensor dtype: " + name, e);
        }
    }

    /**
     * Looks up a dtype by its exact safetensors name: headers are case sensitive, so {@code "f32"}
     * is not {@code "F32"}.
     *
     * @param name the dtype as written in a safetensors header
     * @return the dtype, or {@code null} if the name is not one of ours
     */
    static TensorDType forExactName(String name) {
        for (TensorDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
