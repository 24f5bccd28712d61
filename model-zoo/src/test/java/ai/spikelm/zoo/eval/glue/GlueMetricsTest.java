package ai.spikelm.zoo.eval.glue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GlueMetricsTest {

    private static final double EPS = 1e-12;

    @Test
    void accuracyCountsMatches() {
        assertEquals(0.5, GlueMetrics.accuracy(new int[] {1, 0, 1, 1}, new int[] {1, 1, 1, 0}), EPS);
        assertEquals(1.0, GlueMetrics.accuracy(new int[] {2, 0}, new int[] {2, 0}), EPS);
    }

    @Test
    void f1OfPositiveClassByHand() {
        // TP = 2 (positions 0, 4), FP = 1 (position 1), FN = 1 (position 3): 2·2 / (2·2 + 1 + 1)
        int[] predicted = {1, 1, 0, 0, 1};
        int[] gold = {1, 0, 0, 1, 1};
        assertEquals(4.0 / 6.0, GlueMetrics.f1(predicted, gold), EPS);
    }

    @Test
    void f1WithoutPositivesIsZeroAsInSklearn() {
        assertEquals(0.0, GlueMetrics.f1(new int[] {0, 0, 0}, new int[] {0, 0, 0}), EPS);
        // Gold positives but none predicted: precision is undefined, recall 0, F1 0.
        assertEquals(0.0, GlueMetrics.f1(new int[] {0, 0, 0}, new int[] {1, 0, 1}), EPS);
    }

    @Test
    void f1RejectsNonBinaryLabels() {
        assertThrows(IllegalArgumentException.class, () -> GlueMetrics.f1(new int[] {2, 0}, new int[] {1, 0}));
    }

    @Test
    void matthewsOfTwoByTwoMatrixByHand() {
        // TP 6, TN 3, FP 1, FN 2: (6·3 − 1·2) / sqrt(7·8·4·5) = 16 / sqrt(1120)
        int[] gold = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
        int[] predicted = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1};
        assertEquals(16 / Math.sqrt(1120), GlueMetrics.matthews(predicted, gold), EPS);
        assertEquals(0.4780914437337574, GlueMetrics.matthews(predicted, gold), 1e-12);
    }

    @Test
    void matthewsIsZeroWhenUndefinedAndOneForPerfect() {
        assertEquals(0.0, GlueMetrics.matthews(new int[] {1, 1, 1, 1}, new int[] {1, 0, 1, 0}), EPS);
        assertEquals(0.0, GlueMetrics.matthews(new int[] {1, 0, 1, 0}, new int[] {0, 0, 0, 0}), EPS);
        assertEquals(1.0, GlueMetrics.matthews(new int[] {1, 0, 1, 0}, new int[] {1, 0, 1, 0}), EPS);
        assertEquals(-1.0, GlueMetrics.matthews(new int[] {0, 1, 0, 1}, new int[] {1, 0, 1, 0}), EPS);
    }

    @Test
    void matthewsMultiClassByHand() {
        // Confusion rows (gold) 0:[1,1,0] 1:[0,2,0] 2:[1,0,1]; c = 4, s = 6, t = [2,2,2], p = [2,3,1]
        // (4·6 − 12) / sqrt((36 − 14)(36 − 12)) = 12 / sqrt(528)
        int[] gold = {0, 0, 1, 1, 2, 2};
        int[] predicted = {0, 1, 1, 1, 2, 0};
        assertEquals(12 / Math.sqrt(528), GlueMetrics.matthews(predicted, gold), EPS);
    }

    @Test
    void confusionMatrixIsGoldByPredicted() {
        long[][] counts = GlueMetrics.confusionMatrix(new int[] {1, 1, 0}, new int[] {0, 1, 0}, 2);
        assertArrayEquals(new long[] {1, 1}, counts[0]);
        assertArrayEquals(new long[] {0, 1}, counts[1]);
        assertEquals(3, GlueMetrics.confusionMatrix(new int[] {0}, new int[] {0}, 3).length);
    }

    @Test
    void pearsonOfKnownSeries() {
        // Means 3 and 4; Σdx·dy = 6, Σdx² = 10, Σdy² = 6, so r = 6 / sqrt(60)
        double[] x = {1, 2, 3, 4, 5};
        double[] y = {2, 4, 5, 4, 5};
        assertEquals(6 / Math.sqrt(60), GlueMetrics.pearson(x, y), EPS);
        assertEquals(0.7745966692414834, GlueMetrics.pearson(x, y), 1e-12);
    }

    @Test
    void pearsonOfLinesAndConstants() {
        double[] x = {0.5, 1.5, 4.0, 4.5};
        assertEquals(1.0, GlueMetrics.pearson(x, new double[] {2, 4, 9, 10}), EPS);
        assertEquals(-1.0, GlueMetrics.pearson(x, new double[] {-1, -3, -8, -9}), EPS);
        assertTrue(Double.isNaN(GlueMetrics.pearson(x, new double[] {3, 3, 3, 3})));
        assertTrue(Double.isNaN(GlueMetrics.pearson(x, new double[] {1, Double.NaN, 2, 3})));
    }

    @Test
    void pearsonKeepsPrecisionOnLargeOffsets() {
        double[] x = {1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4, 1e9 + 5};
        double[] y = {2, 4, 5, 4, 5};
        assertEquals(6 / Math.sqrt(60), GlueMetrics.pearson(x, y), 1e-9);
    }

    @Test
    void averageRanksShareTies() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, GlueMetrics.averageRanks(new double[] {10, 20, 20, 30}));
        assertArrayEquals(
                new double[] {4, 2, 5, 2, 2}, GlueMetrics.averageRanks(new double[] {0.7, 0.1, 0.9, 0.1, 0.1}));
    }

    @Test
    void spearmanWithTiesByHand() {
        // Ranks x = [1, 2.5, 2.5, 4], y = [1, 3, 2, 4]: Σdx·dy = 4.5, Σdx² = 4.5, Σdy² = 5
        double[] x = {1, 2, 2, 3};
        double[] y = {1, 3, 2, 4};
        assertEquals(4.5 / Math.sqrt(4.5 * 5), GlueMetrics.spearman(x, y), EPS);
        assertEquals(0.9486832980505138, GlueMetrics.spearman(x, y), 1e-12);
    }

    @Test
    void spearmanSeesOnlyOrder() {
        double[] x = {1, 2, 3, 4, 5};
        assertEquals(1.0, GlueMetrics.spearman(x, new double[] {1, 8, 27, 64, 125}), EPS);
        assertEquals(-1.0, GlueMetrics.spearman(x, new double[] {5, 0.4, 0.3, 0.2, -7}), EPS);
        assertTrue(Double.isNaN(GlueMetrics.spearman(x, new double[] {2, 2, 2, 2, 2})));
        assertTrue(Double.isNaN(GlueMetrics.spearman(x, new double[] {1, 2, Double.NaN, 4, 5})));
    }

    @Test
    void mismatchedEmptyOrNegativeInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> GlueMetrics.accuracy(new int[] {1}, new int[] {1, 0}));
        assertThrows(IllegalArgumentException.class, () -> GlueMetrics.accuracy(new int[0], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> GlueMetrics.matthews(new int[] {-1}, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> GlueMetrics.pearson(new double[] {1}, new double[0]));
    }
}
