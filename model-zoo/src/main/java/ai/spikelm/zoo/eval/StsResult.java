package ai.spikelm.zoo.eval;

/**
 * How well embedding cosine similarities agree with gold STS scores.
 *
 * @param spearman Spearman rank correlation, a fraction in [-1, 1] (NaN if undefined)
 * @param pearson Pearson correlation, a fraction in [-1, 1] (NaN if undefined)
 * @param pairs how many pairs were scored
 * @param sentences how many distinct sentences were embedded
 * @param seconds wall-clock time of embedding and scoring
 */
public record StsResult(double spearman, double pearson, int pairs, int sentences, double seconds) {

    /**
     * Returns the Spearman correlation × 100, as STS results are usually reported (86.7).
     *
     * @return 100 · {@link #spearman()}
     */
    public double spearmanPercent() {
        return 100 * spearman;
    }

    /**
     * Returns the Pearson correlation × 100.
     *
     * @return 100 · {@link #pearson()}
     */
    public double pearsonPercent() {
        return 100 * pearson;
    }
}
