package ai.spikelm.zoo.eval.glue;

import ai.spikelm.zoo.eval.Correlations;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The GLUE evaluation metrics, computed in {@code double}, with the conventions of scikit-learn and
 * SciPy that GLUE scripts use. Values are fractions (0.85), not percentages (85.0).
 *
 * <p>Every method needs two arrays of the same, non-zero length; label arrays hold label indices
 * (at least 0).
 */
public final class GlueMetrics {

    private GlueMetrics() {}

    /**
     * Computes accuracy.
     *
     * @param predicted predicted label indices
     * @param gold gold label indices
     * @return the fraction of positions where they are equal
     */
    public static double accuracy(int[] predicted, int[] gold) {
        checkLabels(predicted, gold);
        long correct = IntStream.range(0, gold.length).filter(i -> predicted[i] == gold[i]).count();
        return (double) correct / gold.length;
    }

    /**
     * Computes binary F1 with label 1 as the positive class: {@code 2·TP / (2·TP + FP + FN)}.
     * When there are neither gold nor predicted positives the score is 0, as in scikit-learn's
     * {@code f1_score} with its default {@code zero_division}.
     *
     * @param predicted predicted labels, each 0 or 1
     * @param gold gold labels, each 0 or 1
     * @return the F1 score of class 1
     * @throws IllegalArgumentException if a label is not 0 or 1
     */
    public static double f1(int[] predicted, int[] gold) {
        checkLabels(predicted, gold);
        long[][] counts = confusionMatrix(predicted, gold, 2);
        if (counts.length > 2) {
            throw new IllegalArgumentException("binary F1 needs labels 0 and 1, found label " + (counts.length - 1));
        }
        long truePositives = counts[1][1];
        long falsePositives = counts[0][1];
        long falseNegatives = counts[1][0];
        long denominator = 2 * truePositives + falsePositives + falseNegatives;
        return denominator == 0 ? 0.0 : 2.0 * truePositives / denominator;
    }

    /**
     * Computes the Matthews correlation coefficient, in its multi-class form (Gorodkin's R_K), which
     * for two classes is {@code (TP·TN − FP·FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))}. It is 0 when
     * undefined (a constant prediction or a constant gold), as in scikit-learn.
     *
     * @param predicted predicted label indices
     * @param gold gold label indices
     * @return the coefficient, in [-1, 1]
     */
    public static double matthews(int[] predicted, int[] gold) {
        checkLabels(predicted, gold);
        long[][] counts = confusionMatrix(predicted, gold, 2);
        int classes = counts.length;
        double samples = gold.length;
        double correct = 0;
        double predictedTimesGold = 0;
        double predictedSquares = 0;
        double goldSquares = 0;
        for (int k = 0; k < classes; k++) {
            correct += counts[k][k];
            double goldK = Arrays.stream(counts[k]).sum();
            double predictedK = 0;
            for (long[] row : counts) {
                predictedK += row[k];
            }
            predictedTimesGold += predictedK * goldK;
            predictedSquares += predictedK * predictedK;
            goldSquares += goldK * goldK;
        }
        double numerator = correct * samples - predictedTimesGold;
        double denominator =
                Math.sqrt(samples * samples - predictedSquares) * Math.sqrt(samples * samples - goldSquares);
        return denominator == 0 ? 0.0 : numerator / denominator;
    }

    /**
     * Counts (gold, predicted) pairs.
     *
     * @param predicted predicted label indices
     * @param gold gold label indices
     * @param minClasses the smallest matrix size to return, so a binary matrix is 2×2 even if one class is absent
     * @return {@code counts[gold][predicted]}, square, as large as the largest label needs
     */
    public static long[][] confusionMatrix(int[] predicted, int[] gold, int minClasses) {
        checkLabels(predicted, gold);
        int classes = Math.max(minClasses, 1 + Math.max(max(predicted), max(gold)));
        long[][] counts = new long[classes][classes];
        for (int i = 0; i < gold.length; i++) {
            counts[gold[i]][predicted[i]]++;
        }
        return counts;
    }

    /**
     * Computes the Pearson correlation coefficient ({@link Correlations#pearson}). As in SciPy, it
     * is {@code NaN} when either series is constant or contains {@code NaN}.
     *
     * @param x one series
     * @param y the other series
     * @return the coefficient, in [-1, 1], or {@code NaN}
     */
    public static double pearson(double[] x, double[] y) {
        return Correlations.pearson(x, y);
    }

    /**
     * Computes the Spearman rank correlation ({@link Correlations#spearman}): the Pearson
     * correlation of the ranks, tied values sharing their average rank (SciPy's {@code spearmanr}).
     * {@code NaN} when either series is constant or contains {@code NaN}.
     *
     * @param x one series
     * @param y the other series
     * @return the coefficient, in [-1, 1], or {@code NaN}
     */
    public static double spearman(double[] x, double[] y) {
        return Correlations.spearman(x, y);
    }

    /**
     * Ranks values from 1 (smallest) to n, ties sharing their average rank ({@link
     * Correlations#averageRanks}).
     *
     * @param values the values, none {@code NaN}
     * @return the rank of each value, in input order
     */
    public static double[] averageRanks(double[] values) {
        return Correlations.averageRanks(values);
    }

    private static int max(int[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }

    private static void checkLabels(int[] predicted, int[] gold) {
        checkLengths(predicted.length, gold.length);
        for (int i = 0; i < gold.length; i++) {
            if (predicted[i] < 0 || gold[i] < 0) {
                throw new IllegalArgumentException(
                        "labels must be >= 0; position " + i + " has " + predicted[i] + " vs " + gold[i]);
            }
        }
    }

    private static void checkLengths(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("lengths differ: " + a + " predictions, " + b + " gold values");
        }
        if (a == 0) {
            throw new IllegalArgumentException("no values to score");
        }
    }
}
