package ai.spikelm.zoo.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Token choice from scores, on the host, in double precision. */
final class Sampling {

    private Sampling() {}

    /** The index of the largest score (the first one on ties). */
    static int argmax(double[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Samples from softmax(scores / temperature) restricted to the top-k scores (ties with the k-th
     * kept; k = 0 keeps all) and then to the smallest most-likely set reaching probability topP.
     */
    static int sample(double[] scores, float temperature, int topK, float topP, SplittableRandom random) {
        int n = scores.length;
        double[] scaled = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            scaled[i] = scores[i] / temperature;
            max = Math.max(max, scaled[i]);
        }
        double kth = Double.NEGATIVE_INFINITY;
        if (topK > 0 && topK < n) {
            double[] sorted = scaled.clone();
            Arrays.sort(sorted);
            kth = sorted[n - topK];
        }
        // Candidates in decreasing probability: sort (probability, index) pairs packed into longs.
        double[] prob = new double[n];
        double sum = 0;
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (scaled[i] >= kth) {
                prob[i] = Math.exp(scaled[i] - max);
                sum += prob[i];
                kept++;
            }
        }
        long[] order = new long[kept];
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (scaled[i] >= kth) {
                float p = (float) (prob[i] / sum);
                // Non-negative floats order like their bits; the complemented index keeps the lower
                // index first among equal probabilities after the descending walk below.
                order[c++] = ((long) Float.floatToIntBits(p) << 32) | (0xFFFFFFFFL & ~i);
            }
        }
        Arrays.sort(order);
        int size = order.length;
        if (topP < 1f) {
            double cumulative = 0;
            int keep = 0;
            for (int j = order.length - 1; j >= 0; j--) {
                cumulative += prob[index(order[j])] / sum;
                keep++;
                if (cumulative >= topP) {
                    break;
                }
            }
            size = keep;
        }
        double total = 0;
        for (int j = order.length - 1; j >= order.length - size; j--) {
            total += prob[index(order[j])];
        }
        double u = random.nextDouble() * total;
        double acc = 0;
        for (int j = order.length - 1; j >= order.length - size; j--) {
            int i = index(order[j]);
            acc += prob[i];
            if (u < acc) {
                return i;
            }
        }
        return index(order[order.length - size]); // rounding: the least likely kept token
    }

    private static int index(long packed) {
        return ~(int) packed;
    }
}
