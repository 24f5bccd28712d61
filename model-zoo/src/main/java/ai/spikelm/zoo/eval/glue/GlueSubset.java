package ai.spikelm.zoo.eval.glue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Seeded subsampling for when a whole GLUE split is too slow to run.
 *
 * <p>The draw uses SplitMix64 (Steele, Lea and Flood, 2014), written out here rather than taken
 * from {@link java.util.Random}: its output is fixed by this code alone, so a given (size, n, seed)
 * selects the same elements on every JVM, and nearby seeds (0, 1, 2, …) give unrelated draws, which
 * is not true of the first values of {@code new Random(seed)}. The selected elements keep their
 * original order.
 */
public final class GlueSubset {

    private GlueSubset() {}

    /**
     * Picks {@code n} elements uniformly at random without replacement, in their original order.
     *
     * @param <T> the element type
     * @param list the full list
     * @param n how many to keep; when at least the list size, the whole list is returned
     * @param seed the random seed
     * @return an unmodifiable list of {@code min(n, list.size())} elements
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public static <T> List<T> sample(List<T> list, int n, long seed) {
        List<T> chosen = new ArrayList<>();
        for (int index : sampleIndices(list.size(), n, seed)) {
            chosen.add(list.get(index));
        }
        return Collections.unmodifiableList(chosen);
    }

    /**
     * Picks {@code n} of the indices {@code 0..size-1}, as {@link #sample} does, so that parallel
     * arrays (predictions, labels) can be cut the same way.
     *
     * @param size the number of elements
     * @param n how many to keep; when at least {@code size}, all indices are returned
     * @param seed the random seed
     * @return the chosen indices, ascending
     * @throws IllegalArgumentException if {@code size} or {@code n} is negative
     */
    public static int[] sampleIndices(int size, int n, long seed) {
        if (size < 0 || n < 0) {
            throw new IllegalArgumentException("size and n must be >= 0, got " + size + " and " + n);
        }
        int wanted = Math.min(n, size);
        int[] chosen = new int[wanted];
        SplitMix64 random = new SplitMix64(seed);
        // Selection sampling (Knuth's Algorithm S): take element i with probability
        // (still wanted) / (still left); it yields exactly `wanted` indices, already in order.
        int taken = 0;
        for (int i = 0; i < size && taken < wanted; i++) {
            if ((size - i) * random.nextDouble() < wanted - taken) {
                chosen[taken++] = i;
            }
        }
        return chosen;
    }

    /** The SplitMix64 generator: a Weyl sequence through a 64-bit mixing function. */
    private static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            this.state = seed;
        }

        long nextLong() {
            long z = (state += 0x9E3779B97F4A7C15L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        /** A double in [0, 1) from the top 53 bits, the precision of a double. */
        double nextDouble() {
            return (nextLong() >>> 11) * 0x1.0p-53;
        }
    }
}
