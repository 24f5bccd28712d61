package ai.spikelm.zoo.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Correlation coefficients of two series, computed in {@code double} with SciPy's conventions
 * ({@code scipy.stats.pearsonr} and {@code spearmanr}). Values are fractions (0.85), not
 * percentages.
 *
 * <p>Both series must have the same, non-zero length. A coefficient is {@code NaN} when it is
 * undefined: a constant series, or one that contains {@code NaN}.
 */
public final class Correlations {

    private Correlations() {}

    /**
     * Computes the Pearson correlation coefficient.
     *
     * @param x one series
     * @param y the other series
     * @return the coefficient, in [-1, 1], or {@code NaN}
     * @throws IllegalArgumentException if the lengths differ or the series are empty
     */
    public static double pearson(double[] x, double[] y) {
        checkLengths(x, y);
        double meanX = Arrays.stream(x).average().orElseThrow();
        double meanY = Arrays.stream(y).average().orElseThrow();
        // Centring first keeps precision when the values are large next to their spread.
        double covariance = 0;
        double varianceX = 0;
        double varianceY = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - meanX;
            double dy = y[i] - meanY;
            covariance += dx * dy;
            varianceX += dx * dx;
            varianceY += dy * dy;
        }
        if (varianceX == 0 || varianceY == 0) {
            return Double.NaN;
        }
        double r = covariance / Math.sqrt(varianceX * varianceY);
        // Rounding can push a perfect correlation a hair past 1.
        return Math.max(-1.0, Math.min(1.0, r));
    }

    /**
     * Computes the Spearman rank correlation: the Pearson correlation of the ranks, tied values
     * sharing their average rank ({@link #averageRanks}), as SciPy's {@code spearmanr}.
     *
     * @param x one series
     * @param y the other series
     * @return the coefficient, in [-1, 1], or {@code NaN}
     * @throws IllegalArgumentException if the lengths differ or the series are empty
     */
    public static double spearman(double[] x, double[] y) {
        checkLengths(x, y);
        if (containsNaN(x) || containsNaN(y)) {
            return Double.NaN;
        }
        return pearson(averageRanks(x), averageRanks(y));
    }

    /**
     * Ranks values from 1 (smallest) to n; a run of equal values gets the mean of the ranks it spans
     * (fractional ranks), so {@code [10, 20, 20, 30]} ranks as {@code [1, 2.5, 2.5, 4]}.
     *
     * @param values the values, none {@code NaN}
     * @return the rank of each value, in input order
     */
    public static double[] averageRanks(double[] values) {
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        int start = 0;
        while (start < order.length) {
            int end = start + 1;
            while (end < order.length && values[order[end]] == values[order[start]]) {
                end++;
            }
            // Sorted positions start..end-1 hold ranks start+1..end; their mean is the tie's rank.
            double rank = (start + 1 + end) / 2.0;
            for (int i = start; i < end; i++) {
                ranks[order[i]] = rank;
            }
            start = end;
        }
        return ranks;
    }

    private static boolean containsNaN(double[] values) {
        return Arrays.stream(values).anyMatch(Double::isNaN);
    }

    private static void checkLengths(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("lengths differ: " + x.length + " vs " + y.length + " values");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("no values to correlate");
        }
    }
}
