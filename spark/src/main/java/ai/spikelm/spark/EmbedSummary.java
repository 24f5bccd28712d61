package ai.spikelm.spark;

/**
 * What an {@link EmbedJob} wrote, summed from its output.
 *
 * @param rows rows written
 * @param partitions partitions the rows were embedded in
 * @param tokens real tokens embedded
 * @param firingRate the rows' firing rates weighted by their tokens, or null (ANN, not measured)
 * @param microjoulesPerToken estimated energy of the model per real token, or null if not measured
 * @param annMicrojoulesPerToken the same for the equivalent ANN, or null if not measured
 * @param seconds wall-clock time of the job from reading the input to the written output (the
 *     summary's own pass over the output excluded)
 */
public record EmbedSummary(
        long rows,
        int partitions,
        long tokens,
        Double firingRate,
        Double microjoulesPerToken,
        Double annMicrojoulesPerToken,
        double seconds) {

    /**
     * Returns the job's throughput.
     *
     * @return rows written per second of {@link #seconds()}
     */
    public double rowsPerSecond() {
        return rows / seconds;
    }
}
