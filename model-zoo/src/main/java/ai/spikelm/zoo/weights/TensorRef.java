package ai.spikelm.zoo.weights;

import java.util.Arrays;

/**
 * A tensor as a pickled state dict describes it: a view of a storage, validated so that every
 * element it addresses lies inside the storage.
 *
 * @param storage the storage
 * @param offset the index of its first element in the storage
 * @param shape the sizes
 * @param stride the strides, in elements, all non-negative
 * @param numel the number of elements
 * @param spanEnd one past the highest storage index it uses ({@code offset} if it is empty)
 * @param contiguous whether its elements lie in row-major order from {@code offset}
 */
record TensorRef(
        StorageRef storage,
        long offset,
        long[] shape,
        long[] stride,
        long numel,
        long spanEnd,
        boolean contiguous) {

    /**
     * Validates a view of a storage, as {@code _rebuild_tensor_v2} would build it.
     *
     * @param storage the storage
     * @param offset the storage offset, non-negative
     * @param shape the sizes, non-negative
     * @param stride the strides, non-negative, as many as sizes
     * @return the tensor
     * @throws IllegalArgumentException if an element lies outside the storage, a size overflows, or
     *     a strided view has more elements than the storage (a broadcast, which would make a
     *     row-major copy larger than the file)
     */
    static TensorRef of(StorageRef storage, long offset, long[] shape, long[] stride) {
        String what =
                "tensor of size "
                        + Arrays.toString(shape)
                        + ", stride "
                        + Arrays.toString(stride)
                        + " and offset "
                        + offset;
        long numel = 1;
        long last = offset; // the highest storage index used, if any element exists
        boolean contiguous = true;
        long expected = 1;
        try {
            for (int d = shape.length - 1; d >= 0; d--) {
                numel = Math.multiplyExact(numel, shape[d]);
                if (shape[d] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, stride[d]));
                }
                // Strides of size-1 dimensions do not matter, as in torch's contiguity check.
                if (shape[d] != 1 && stride[d] != expected) {
                    contiguous = false;
                }
                expected = Math.multiplyExact(expected, Math.max(shape[d], 1));
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + " overflows");
        }
        long available = storage.numel();
        if (offset > available) {
            throw new IllegalArgumentException(
                    what + " starts past its storage of " + available + " elements");
        }
        if (numel == 0) {
            return new TensorRef(storage, offset, shape, stride, 0, offset, true);
        }
        if (last >= available) {
            throw new IllegalArgumentException(
                    what
                            + " reaches element "
                            + last
                            + " of a storage of "
                            + available
                            + " elements");
        }
        if (!contiguous && numel > available) {
            throw new IllegalArgumentException(
                    what
                            + " has more elements than its storage of "
                            + available
                            + "; broadcast views are not supported");
        }
        return new TensorRef(storage, offset, shape, stride, numel, last + 1, contiguous);
    }
}
