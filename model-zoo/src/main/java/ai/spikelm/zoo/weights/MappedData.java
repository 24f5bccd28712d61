package ai.spikelm.zoo.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The data section of a safetensors file, memory-mapped in segments.
 *
 * <p>One {@link MappedByteBuffer} cannot exceed 2 GiB, so the data section is cut into segments at
 * tensor boundaries: consecutive tensors share a segment while it stays under a limit (1 GiB by
 * default), and a larger tensor gets a segment of its own. Every tensor thus lies whole in one
 * segment and is a zero-copy slice of it. A single tensor of 2 GiB or more cannot be a {@link
 * ByteBuffer} at all; it is left unmapped and refused when asked for.
 *
 * <p>All segments are mapped when the file is opened (mapping reserves address space but reads
 * nothing), so the file descriptor can be closed at once and the object needs no locking.
 */
final class MappedData {

    /** The default segment limit: large enough to keep mappings few, far below 2 GiB. */
    static final long DEFAULT_SEGMENT_BYTES = 1L << 30;

    /** The largest tensor a {@link ByteBuffer} can hold. */
    static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE;

    private final long[] starts;
    private final long[] ends;
    private final MappedByteBuffer[] segments;

    private MappedData(long[] starts, long[] ends, MappedByteBuffer[] segments) {
        this.starts = starts;
        this.ends = ends;
        this.segments = segments;
    }

    /**
     * Maps the data section.
     *
     * @param channel the open file
     * @param dataStart the file offset of the data section
     * @param sorted the tensors sorted by offset, tiling the data section
     * @param segmentBytes the segment limit, at most {@link #MAX_TENSOR_BYTES}
     * @return the mapping
     * @throws IOException if mapping fails
     */
    static MappedData map(
            FileChannel channel, long dataStart, List<TensorInfo> sorted, long segmentBytes)
            throws IOException {
        List<long[]> plan = plan(sorted, Math.min(segmentBytes, MAX_TENSOR_BYTES));
        long[] starts = new long[plan.size()];
        long[] ends = new long[plan.size()];
        MappedByteBuffer[] segments = new MappedByteBuffer[plan.size()];
        for (int i = 0; i < segments.length; i++) {
            starts[i] = plan.get(i)[0];
            ends[i] = plan.get(i)[1];
            segments[i] =
                    channel.map(
                            FileChannel.MapMode.READ_ONLY,
                            dataStart + starts[i],
                            ends[i] - starts[i]);
        }
        return new MappedData(starts, ends, segments);
    }

    /**
     * Cuts the data section into segments of at most {@code limit} bytes at tensor boundaries;
     * zero-size tensors need no segment and tensors too large for a buffer get none.
     */
    static List<long[]> plan(List<TensorInfo> sorted, long limit) {
        List<long[]> plan = new ArrayList<>();
        long start = 0;
        long end = 0;
        for (TensorInfo t : sorted) {
            if (t.byteSize() == 0) {
                continue;
            }
            boolean unmappable = t.byteSize() > MAX_TENSOR_BYTES;
            if (end > start && (unmappable || t.end() - start > limit)) {
                plan.add(new long[] {start, end});
                start = t.begin();
                end = t.begin();
            }
            if (unmappable) {
                start = t.end();
                end = t.end();
                continue;
            }
            if (end == start) {
                start = t.begin();
            }
            end = t.end();
        }
        if (end > start) {
            plan.add(new long[] {start, end});
        }
        return plan;
    }

    /**
     * Returns the bytes of a tensor as a slice of its segment.
     *
     * @param t a tensor of this file
     * @return the bytes, positioned at zero
     * @throws UnsupportedOperationException if the tensor is 2 GiB or larger
     */
    ByteBuffer slice(TensorInfo t) {
        if (t.byteSize() == 0) {
            return ByteBuffer.allocate(0);
        }
        if (t.byteSize() > MAX_TENSOR_BYTES) {
            throw new UnsupportedOperationException(
                    "Tensor '"
                            + t.name()
                            + "' has "
                            + t.byteSize()
                            + " bytes; a HostTensor holds at most "
                            + MAX_TENSOR_BYTES);
        }
        int i = Arrays.binarySearch(starts, t.begin());
        if (i < 0) {
            i = -i - 2; // the last segment starting before the tensor
        }
        if (i < 0 || t.end() > ends[i]) {
            throw new IllegalStateException("Tensor " + t + " is in no mapped segment");
        }
        return segments[i].slice((int) (t.begin() - starts[i]), (int) t.byteSize());
    }

    /**
     * Returns the number of mapped segments.
     *
     * @return the segment count
     */
    int segmentCount() {
        return segments.length;
    }
}
