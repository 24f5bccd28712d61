package ai.spikelm.zoo.eval.glue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GlueSubsetTest {

    private static final List<Integer> HUNDRED = IntStream.range(0, 100).boxed().toList();

    @Test
    void sameSeedSameSubsetInOriginalOrder() {
        List<Integer> first = GlueSubset.sample(HUNDRED, 10, 42);
        assertEquals(first, GlueSubset.sample(HUNDRED, 10, 42));
        assertEquals(10, first.size());
        assertEquals(first.stream().sorted().toList(), first);
        assertEquals(10, first.stream().distinct().count());
        assertNotEquals(first, GlueSubset.sample(HUNDRED, 10, 43));
    }

    @Test
    void subsetIsPinned() {
        // The generator is part of GlueSubset, so these draws hold on every JVM; a change here
        // silently changes every subsampled result, hence the pin.
        assertArrayEquals(new int[] {1, 31, 44, 71, 84}, GlueSubset.sampleIndices(100, 5, 7));
        assertEquals(List.of(1, 3, 6, 14, 19), GlueSubset.sample(IntStream.range(0, 20).boxed().toList(), 5, 2024));
    }

    @Test
    void smallAndLargeRequests() {
        assertEquals(HUNDRED, GlueSubset.sample(HUNDRED, 100, 1));
        assertEquals(HUNDRED, GlueSubset.sample(HUNDRED, 1000, 1));
        assertTrue(GlueSubset.sample(HUNDRED, 0, 1).isEmpty());
        assertTrue(GlueSubset.sample(List.of(), 5, 1).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> GlueSubset.sample(HUNDRED, -1, 1));
        assertThrows(UnsupportedOperationException.class, () -> GlueSubset.sample(HUNDRED, 3, 1).add(7));
    }

    @Test
    void everyElementIsEquallyLikely() {
        int size = 10;
        int draws = 20_000;
        int[] hits = new int[size];
        for (int seed = 0; seed < draws; seed++) {
            for (int index : GlueSubset.sampleIndices(size, 3, seed)) {
                hits[index]++;
            }
        }
        // Expected 6000 each; the binomial standard deviation is about 65.
        for (int count : hits) {
            assertEquals(draws * 3 / size, count, 400);
        }
    }
}
