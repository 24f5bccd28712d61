package ai.spikelm.zoo.convert;

import ai.spikelm.zoo.weights.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Layout changes on host tensors. */
final class Matrices {

    private Matrices() {}

    /**
     * Transposes a 2-D tensor of any dtype: ONNX and TensorFlow store dense kernels as {@code
     * [in, out]}, Hugging Face as {@code [out, in]}.
     *
     * @param t a 2-D tensor
     * @return a new tensor {@code [cols, rows]} in heap memory
     * @throws IllegalArgumentException if the tensor is not 2-D or has over 2^31 elements
     */
    static HostTensor transpose(HostTensor t) {
        long[] shape = t.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException("Only 2-D tensors can be transposed, got " + Arrays.toString(shape));
        }
        int width = t.dtype().byteSize();
        if (shape[0] > Integer.MAX_VALUE || shape[1] > Integer.MAX_VALUE
                || shape[0] * shape[1] > Integer.MAX_VALUE / width) {
            throw new IllegalArgumentException("Tensor of shape " + Arrays.toString(shape) + " is too large to transpose");
        }
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        ByteBuffer src = t.data();
        ByteBuffer dst = ByteBuffer.allocate(rows * cols * width)
                .order(ByteOrder.LITTLE_ENDIAN);
        if (width == Float.BYTES) {
            // The common case (F32), element-wise through int views rather than byte by byte.
            var in = src.asIntBuffer();
            var out = dst.asIntBuffer();
            for (int r = 0; r < rows; r++) {
                int rowStart = r * cols;
                for (int c = 0; c < cols; c++) {
                    out.put(c * rows + r, in.get(rowStart + c));
                }
            }
        } else {
            byte[] element = new byte[width];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    src.get((r * cols + c) * width, element);
                    dst.put((c * rows + r) * width, element);
                }
            }
        }
        return new HostTensor(t.dtype(), new long[] {cols, rows}, dst);
    }
}
