package ai.spikelm.zoo.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Correlations against values worked out by hand (and checked with scipy.stats). */
class CorrelationsTest {

    private static final double EPS = 1e-12;

    @Test
    void pearsonByHand() {
        // Means 2.5 and 2.75; dx = [-1.5, -0.5, 0.5, 1.5], dy = [-1.75, 0.25, -0.75, 2.25]
        // Σdx·dy = 2.625 - 0.125 - 0.375 + 3.375 = 5.5, Σdx² = 5, Σdy² = 8.75 → r = 5.5 / sqrt(43.75)
        double[] x = {1, 2, 3, 4};
        double[] y = {1, 3, 2, 5};
        assertEquals(5.5 / Math.sqrt(43.75), Correlations.pearson(x, y), EPS);
        assertEquals(0.8315218406203, Correlations.pearson(x, y), 1e-12); // scipy.stats.pearsonr
        assertEquals(Correlations.pearson(x, y), Correlations.pearson(y, x), EPS);
    }

    @Test
    void pearsonIsInvariantToShiftAndPositiveScale() {
        double[] x = {1, 2, 3, 4};
        double[] y = {1, 3, 2, 5};
        double[] shifted = {1e6 + 3, 1e6 + 9, 1e6 + 6, 1e6 + 15}; // 1e6 + 3y
        assertEquals(Correlations.pearson(x, y), Correlations.pearson(x, shifted), 1e-9);
    }

    @Test
    void averageRanksOfTiesInBothDirections() {
        // Sorted: 1 (i=1) rank 1, 2 (i=3) rank 2, the two 3s (i=0, 2) ranks 3 and 4 → 3.5, 5 (i=4) rank 5
        assertArrayEquals(new double[] {3.5, 1, 3.5, 2, 5}, Correlations.averageRanks(new double[] {3, 1, 3, 2, 5}));
        // Three equal values share ranks 1, 2, 3 → 2
        assertArrayEquals(new double[] {2, 2, 4, 2}, Correlations.averageRanks(new double[] {-1, -1, 7, -1}));
    }

    @Test
    void spearmanWithTiesInBothSeries() {
        // Ranks x = [3.5, 1, 3.5, 2, 5], y = [2.5, 2.5, 4.5, 1, 4.5], both of mean 3:
        // dx = [0.5, -2, 0.5, -1, 2], dy = [-0.5, -0.5, 1.5, -2, 1.5]
        // Σdx·dy = -0.25 + 1 + 0.75 + 2 + 3 = 6.5, Σdx² = 9.5, Σdy² = 9 → ρ = 6.5 / sqrt(85.5)
        double[] x = {3, 1, 3, 2, 5};
        double[] y = {2, 2, 4, 1, 4};
        assertEquals(6.5 / Math.sqrt(85.5), Correlations.spearman(x, y), EPS);
        assertEquals(0.7029594915666376, Correlations.spearman(x, y), 1e-12); // scipy.stats.spearmanr
    }

    @Test
    void negativeSpearmanWithATie() {
        // Ranks x = [1, 2, 3, 4], y = [4, 2.5, 2.5, 1]; dx = [-1.5, -0.5, 0.5, 1.5], dy = [1.5, 0, 0, -1.5]
        // Σdx·dy = -4.5, Σdx² = 5, Σdy² = 4.5 → ρ = -4.5 / sqrt(22.5)
        assertEquals(-4.5 / Math.sqrt(22.5), Correlations.spearman(new double[] {1, 2, 3, 4}, new double[] {4, 3, 3, 1}), EPS);
    }

    @Test
    void spearmanSeesOnlyOrder() {
        double[] x = {0.1, 0.5, 0.2, 0.9};
        double[] cubes = {0.001, 0.125, 0.008, 0.729};
        assertEquals(1.0, Correlations.spearman(x, cubes), EPS);
        assertTrue(Correlations.pearson(x, cubes) < 1.0 - 1e-3, "Pearson does see the spacing");
    }

    @Test
    void undefinedCoefficientsAreNaN() {
        double[] x = {1, 2, 3};
        assertTrue(Double.isNaN(Correlations.pearson(x, new double[] {2, 2, 2})));
        assertTrue(Double.isNaN(Correlations.spearman(x, new double[] {2, 2, 2})));
        assertTrue(Double.isNaN(Correlations.pearson(x, new double[] {1, Double.NaN, 3})));
        assertTrue(Double.isNaN(Correlations.spearman(x, new double[] {1, Double.NaN, 3})));
        assertTrue(Double.isNaN(Correlations.pearson(new double[] {4}, new double[] {5})), "one value has no spread");
    }

    @Test
    void mismatchedOrEmptySeriesAreRejected() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Correlations.spearman(new double[] {1, 2}, new double[] {1}));
        assertTrue(e.getMessage().contains("2 vs 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Correlations.pearson(new double[0], new double[0]));
    }
}
