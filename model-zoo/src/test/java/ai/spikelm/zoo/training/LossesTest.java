package ai.spikelm.zoo.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Every loss against values worked out by hand (in double precision, independently). */
class LossesTest {

    private static final double TOL = 1e-6;

    /** −log softmax(row)[k], written out. */
    private static double nll(double[] row, int k) {
        double z = 0;
        for (double v : row) {
            z += Math.exp(v);
        }
        return Math.log(z) - row[k];
    }

    @Test
    void crossEntropyAveragesOverRows() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[][] {{1, 2, 3}, {0.5f, -1, 0}});
            NDArray loss = Losses.softmaxCrossEntropy(logits, m.create(new long[] {2, 0}));
            double want = (nll(new double[] {1, 2, 3}, 2) + nll(new double[] {0.5, -1, 0}, 0)) / 2;
            assertEquals(want, loss.getFloat(), TOL);
            assertEquals(0.4076059644, nll(new double[] {1, 2, 3}, 2), 1e-9, "log(1 + e⁻¹ + e⁻²)");
        }
    }

    @Test
    void crossEntropyIgnoresMinus100AndHandlesLeadingAxes() {
        try (NDManager m = NDManager.newBaseManager()) {
            // [B=1, L=3, V=2] as masked-LM logits; only the middle position counts.
            NDArray logits = m.create(new float[] {4, 1, 0, 2, -3, 3}, new Shape(1, 3, 2));
            NDArray labels = m.create(new long[][] {{-100, 1, -100}});
            assertEquals(nll(new double[] {0, 2}, 1), Losses.softmaxCrossEntropy(logits, labels).getFloat(), TOL);
        }
    }

    @Test
    void crossEntropyWithEveryPositionIgnoredIsAZeroThatStillBackpropagates() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[][] {{1, 2}, {3, 4}});
            logits.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray loss = Losses.softmaxCrossEntropy(logits, m.create(new long[] {-100, -100}));
                assertEquals(0f, loss.getFloat());
                gc.backward(loss);
            }
            assertArrayEquals(new float[4], logits.getGradient().toFloatArray());
        }
    }

    @Test
    void crossEntropyGradientIsSoftmaxMinusOneHotOverN() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[][] {{0, (float) Math.log(3)}});
            logits.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(Losses.softmaxCrossEntropy(logits, m.create(new long[] {0})));
            }
            // softmax = (1/4, 3/4); minus one-hot(0) = (−3/4, 3/4).
            assertArrayEquals(new float[] {-0.75f, 0.75f}, logits.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void crossEntropyRejectsMismatchedLabels() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> Losses.softmaxCrossEntropy(m.zeros(new Shape(2, 3)), m.create(new long[] {0, 1, 2})));
        }
    }

    @Test
    void mseOfRegressionOutputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray predictions = m.create(new float[][] {{1}, {2}, {3}}); // [N, 1] as a regression head
            NDArray targets = m.create(new float[] {1.5f, 2, 1});
            assertEquals((0.25 + 0 + 4) / 3, Losses.mse(predictions, targets).getFloat(), TOL);
        }
    }

    @Test
    void hiddenStateMseCountsOnlyRealTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            // B = 1, L = 2 (second token padding), D = 2, two layer pairs.
            NDList student =
                    new NDList(
                            m.create(new float[] {1, 2, 100, 100}, new Shape(1, 2, 2)),
                            m.create(new float[] {0, 0, -7, 7}, new Shape(1, 2, 2)));
            NDList teacher =
                    new NDList(
                            m.create(new float[] {0, 0, 0, 0}, new Shape(1, 2, 2)),
                            m.create(new float[] {3, -1, 0, 0}, new Shape(1, 2, 2)));
            NDArray mask = m.create(new long[][] {{1, 0}});
            // pair 1: (1² + 2²)/2 = 2.5; pair 2: (3² + 1²)/2 = 5; mean 3.75.
            assertEquals(3.75, Losses.hiddenStateMse(student, teacher, mask).getFloat(), TOL);
            // without a mask the padding counts: pair 1 (1+4+10⁴+10⁴)/4, pair 2 (9+1+49+49)/4.
            double all = ((1 + 4 + 1e4 + 1e4) / 4 + (9 + 1 + 49 + 49) / 4.0) / 2;
            assertEquals(all, Losses.hiddenStateMse(student, teacher, null).getFloat(), 1e-3);
        }
    }

    @Test
    void hiddenStateMseTreatsTheTeacherAsConstant() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray s = m.create(new float[] {1, 2}, new Shape(1, 1, 2));
            NDArray t = m.create(new float[] {0, 0}, new Shape(1, 1, 2));
            s.setRequiresGradient(true);
            t.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(Losses.hiddenStateMse(new NDList(s), new NDList(t), null));
            }
            assertArrayEquals(new float[] {1, 2}, s.getGradient().toFloatArray(), 1e-6f, "d/ds mean((s−t)²) = (s−t)");
            assertArrayEquals(new float[2], t.getGradient().toFloatArray());
        }
    }

    @Test
    void softTargetCrossEntropyWithTemperature() {
        try (NDManager m = NDManager.newBaseManager()) {
            float temperature = 2f;
            double[][] s = {{1, 0, -1}, {0.5, 0.5, 2}};
            double[][] t = {{2, 1, 0}, {-1, 0, 3}};
            double want = 0;
            for (int i = 0; i < 2; i++) {
                double zs = 0;
                double zt = 0;
                for (int c = 0; c < 3; c++) {
                    zs += Math.exp(s[i][c] / temperature);
                    zt += Math.exp(t[i][c] / temperature);
                }
                for (int c = 0; c < 3; c++) {
                    double p = Math.exp(t[i][c] / temperature) / zt;
                    want -= p * (s[i][c] / temperature - Math.log(zs));
                }
            }
            want = want / 2 * temperature * temperature;
            NDArray student = m.create(new float[][] {{1, 0, -1}, {0.5f, 0.5f, 2}});
            NDArray teacher = m.create(new float[][] {{2, 1, 0}, {-1, 0, 3}});
            assertEquals(want, Losses.softTargetCrossEntropy(student, teacher, temperature).getFloat(), 1e-5);
        }
    }

    @Test
    void softTargetCrossEntropyOfIdenticalLogitsIsTheTeacherEntropy() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[][] {{0, 0}});
            assertEquals(Math.log(2), Losses.softTargetCrossEntropy(logits, logits, 1f).getFloat(), 1e-6);
            assertThrows(IllegalArgumentException.class, () -> Losses.softTargetCrossEntropy(logits, logits, 0f));
        }
    }

    /** log softmax of a row, written out. */
    private static double[] logSoftmax(double... row) {
        double z = 0;
        for (double v : row) {
            z += Math.exp(v);
        }
        double[] out = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = row[i] - Math.log(z);
        }
        return out;
    }

    private static double kl(double[] teacherLog, double[] studentLog) {
        double sum = 0;
        for (int j = 0; j < teacherLog.length; j++) {
            sum += Math.exp(teacherLog[j]) * (teacherLog[j] - studentLog[j]);
        }
        return sum;
    }

    @Test
    void attentionKlAveragesRealQueriesAndStepsAgainstABroadcastTeacher() {
        // One layer, B = 1, H = 1, L = 3 with the last token padded (its key column −∞-like, its
        // query row ignored); the student has T = 2 steps, the ANN teacher one.
        double pad = -1e30;
        double[][] teacher = {logSoftmax(1, 2, pad), logSoftmax(0.5, -1, pad), logSoftmax(0, 0, pad)};
        double[][][] student = {
            {logSoftmax(0, 2, pad), logSoftmax(1, 1, pad), logSoftmax(3, 3, pad)},
            {logSoftmax(2, 0.5, pad), logSoftmax(-1, 0, pad), logSoftmax(0, 9, pad)}
        };
        double want = 0;
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < 2; i++) { // real queries only
                want += kl(teacher[i], student[t][i]);
            }
        }
        want /= 4;
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] steps = java.util.stream.Stream.of(student).flatMap(java.util.Arrays::stream).toArray(double[][]::new);
            NDArray s = m.create(flatten(steps), new Shape(2, 1, 1, 3, 3));
            NDArray t = m.create(flatten(teacher), new Shape(1, 1, 1, 3, 3));
            NDArray mask = m.create(new long[][] {{1, 1, 0}});
            NDArray kl = Losses.attentionKl(new NDList(s), new NDList(t), mask);
            assertEquals(want, kl.getFloat(), 1e-5);
            assertEquals(0f, Losses.attentionKl(new NDList(t), new NDList(t), mask).getFloat(), 1e-6f, "KL(p‖p) = 0");
            assertThrows(
                    IllegalArgumentException.class,
                    () -> Losses.attentionKl(new NDList(s), new NDList(s.get("0:1, :, :, 0:2, :")), mask));
        }
    }

    private static float[] flatten(double[]... rows) {
        int n = 0;
        for (double[] r : rows) {
            n += r.length;
        }
        float[] out = new float[n];
        int k = 0;
        for (double[] r : rows) {
            for (double v : r) {
                out[k++] = (float) Math.max(v, -1e30);
            }
        }
        return out;
    }

    @Test
    void cosineDistanceIsOneMinusTheMeanCosine() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray s = m.create(new float[][] {{1, 0}, {3, 4}});
            NDArray t = m.create(new float[][] {{1, 1}, {-3, -4}});
            double want = ((1 - 1 / Math.sqrt(2)) + (1 - (-1))) / 2;
            assertEquals(want, Losses.cosineDistance(s, t).getFloat(), TOL);
            assertThrows(IllegalArgumentException.class, () -> Losses.cosineDistance(s, t.get("0:1, :")));
        }
    }

    @Test
    void similarityMseComparesOffDiagonalCosines() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Student rows at 0°, 90°, 45° (scaled); teacher rows at 0°, 0°, 180°.
            NDArray s = m.create(new float[][] {{2, 0}, {0, 3}, {1, 1}});
            NDArray t = m.create(new float[][] {{1, 0}, {5, 0}, {-1, 0}});
            double c = 1 / Math.sqrt(2);
            // pairs (0,1): 0 vs 1; (0,2): c vs -1; (1,2): c vs -1; each counted twice.
            double want = 2 * (1 + 2 * (c + 1) * (c + 1)) / 6;
            assertEquals(want, Losses.similarityMse(s, t).getFloat(), TOL);
            assertEquals(0, Losses.similarityMse(t, t.mul(7)).getFloat(), TOL);
            assertThrows(IllegalArgumentException.class, () -> Losses.similarityMse(s.get("0:1, :"), t.get("0:1, :")));
            assertThrows(IllegalArgumentException.class, () -> Losses.similarityMse(s, t.get("0:2, :")));
        }
    }
}
