package ai.spikelm.zoo.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** How the data section is cut into mapped segments. */
class MappedDataTest {

    private static List<TensorInfo> tiling(long... sizes) {
        List<TensorInfo> out = new ArrayList<>();
        long at = 0;
        for (int i = 0; i < sizes.length; i++) {
            out.add(
                    new TensorInfo(
                            "t" + i, TensorDType.U8, new long[] {sizes[i]}, at, at + sizes[i]));
            at += sizes[i];
        }
        return out;
    }

    private static String plan(long limit, long... sizes) {
        return MappedData.plan(tiling(sizes), limit).stream()
                .map(s -> s[0] + "-" + s[1])
                .collect(Collectors.joining(" "));
    }

    @Test
    void consecutiveTensorsShareSegmentsUpToTheLimit() {
        assertEquals("0-50 50-200 200-210", plan(64, 10, 0, 40, 150, 10));
        assertEquals("0-30", plan(64, 10, 10, 10));
        assertEquals("0-64 64-65", plan(64, 32, 32, 1));
        assertEquals("", plan(64));
        assertEquals("", plan(64, 0, 0));
    }

    @Test
    void tensorsTooLargeForABufferGetNoSegment() {
        long huge = MappedData.MAX_TENSOR_BYTES + 1;
        assertEquals("0-10 " + (10 + huge) + "-" + (20 + huge), plan(1L << 30, 10, huge, 10));
        assertEquals("", plan(1L << 30, huge));
    }
}
