package ai.spikelm.zoo.weights;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a checkpoint header says about one tensor: name, dtype, shape and where its bytes lie.
 *
 * <p>Offsets are relative to the start of the data section of the file that holds the tensor, as in
 * the {@code data_offsets} field of a safetensors header.
 */
public final class TensorInfo {

    private final String name;
    private final TensorDType dtype;
    private final long[] shape;
    private final long begin;
    private final long end;

    TensorInfo(String name, TensorDType dtype, long[] shape, long begin, long end) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.begin = begin;
        this.end = end;
    }

    /**
     * Returns the tensor name.
     *
     * @return the name
     */
    public String name() {
        return name;
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
     * Returns a copy of the shape (empty for a scalar).
     *
     * @return the shape
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Returns the offset of the first byte within the data section.
     *
     * @return the begin offset, inclusive
     */
    public long begin() {
        return begin;
    }

    /**
     * Returns the offset just past the last byte within the data section.
     *
     * @return the end offset, exclusive
     */
    public long end() {
        return end;
    }

    /**
     * Returns the number of bytes the tensor occupies.
     *
     * @return {@code end() - begin()}
     */
    public long byteSize() {
        return end - begin;
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TensorInfo)) {
            return false;
        }
        TensorInfo other = (TensorInfo) o;
        return name.equals(other.name)
                && dtype == other.dtype
                && Arrays.equals(shape, other.shape)
                && begin == other.begin
                && end == other.end;
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return name + ": " + dtype + Arrays.toString(shape) + " @ [" + begin + ", " + end + ")";
    }
}
