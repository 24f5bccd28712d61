package ai.spikelm.zoo.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplingTest {

    private static final double[] SCORES = {Math.log(0.5), Math.log(0.3), Math.log(0.2), Double.NEGATIVE_INFINITY};

    private static double[] frequencies(float temperature, int topK, float topP) {
        SplittableRandom random = new SplittableRandom(7);
        double[] counts = new double[SCORES.length];
        int n = 40_000;
        for (int i = 0; i < n; i++) {
            counts[Sampling.sample(SCORES, temperature, topK, topP, random)] += 1.0 / n;
        }
        return counts;
    }

    @Test
    void samplesTheSoftmax() {
        double[] f = frequencies(1f, 0, 1f);
        assertEquals(0.5, f[0], 0.01);
        assertEquals(0.3, f[1], 0.01);
        assertEquals(0.2, f[2], 0.01);
        assertEquals(0.0, f[3], 0.0);
    }

    @Test
    void temperatureSharpensOrFlattens() {
        // T = 0.5 squares the probabilities: 0.25 : 0.09 : 0.04.
        double[] f = frequencies(0.5f, 0, 1f);
        assertEquals(0.25 / 0.38, f[0], 0.01);
        assertEquals(0.04 / 0.38, f[2], 0.01);
    }

    @Test
    void topKAndTopPRestrictTheCandidates() {
        double[] k2 = frequencies(1f, 2, 1f);
        assertEquals(0.5 / 0.8, k2[0], 0.01);
        assertEquals(0.0, k2[2], 0.0);
        assertEquals(1.0, frequencies(1f, 1, 1f)[0], 1e-9);
        // top-p 0.7: 0.5 < 0.7, 0.5 + 0.3 ≥ 0.7 → the first two.
        double[] p = frequencies(1f, 0, 0.7f);
        assertEquals(0.5 / 0.8, p[0], 0.01);
        assertEquals(0.0, p[2], 0.0);
        assertEquals(1.0, frequencies(1f, 0, 0.4f)[0], 1e-9);
    }

    @Test
    void argmaxTakesTheFirstOfEqualScores() {
        assertEquals(1, Sampling.argmax(new double[] {0, 3, 3, 1}));
    }
}
