package ai.spikelm.zoo.training;

/**
 * Derives independent, reproducible seeds from a run's seed, so that the data order of an epoch,
 * the masking of a micro-batch and the engine's dropout draws depend only on (seed, position) and
 * not on what ran before; a resumed run then draws exactly what an uninterrupted one would.
 * Public so that data sources (for example {@code ai.spikelm.zoo.corpus}) derive their orders the
 * same way, each with its own stream numbers.
 */
public final class Seeds {

    /** The stream of per-epoch data-order seeds. */
    static final long DATA = 1;

    /** The stream of per-micro-batch {@link java.util.Random} seeds given to objectives. */
    static final long OBJECTIVE = 2;

    /** The stream of per-micro-batch engine seeds (dropout). */
    static final long ENGINE = 3;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    /**
     * Returns the seed of position {@code index} in stream {@code stream} of a run.
     *
     * @param seed the run's seed
     * @param stream the stream
     * @param index the position (epoch or micro-batch)
     * @return a well-mixed 64-bit seed
     */
    public static long mix(long seed, long stream, long index) {
        return splitMix(splitMix(seed ^ (stream * GOLDEN)) + index * GOLDEN);
    }

    /**
     * Returns an engine seed (the engine takes a non-negative int).
     *
     * @param seed the run's seed
     * @param index the micro-batch
     * @return a seed in [0, 2³¹)
     */
    static int engine(long seed, long index) {
        return (int) (mix(seed, ENGINE, index) >>> 33);
    }

    /** The SplitMix64 finaliser (Steele, Lea and Flood). */
    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
