package ai.spikelm.ops.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.nn.SpikingLinear;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The native dense product and attention against independent references: a double-precision
 * product in Java, and attention composed of the engine's own operations. Every kernel and edge is
 * reached: rows in the lanes (fewer than 128 rows of an {@code [out, in]} weight), streamed
 * {@code [in, out]} weights (at most 16 rows), packed panels (the rest), blocks of 12, 8, 4, 2 and 1
 * rows, column counts off the tiles, k beyond one pass, several threads. And a row gets the same
 * bits whichever kernel runs it, alone or in a large batch.
 */
class NativeKernelsTest {

    @BeforeAll
    static void loadTheEngine() {
        Engine.getInstance(); // brings the OpenMP runtime the kernels share calls out over
    }

    private static float[] random(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    @Test
    void linearMatchesADoublePrecisionProduct() {
        assumeTrue(NativeKernels.isDenseAvailable(), "no AVX-512 kernels on this machine");
        Random random = new Random(11);
        int[][] shapes = {
            {1, 1, 1}, {1, 33, 17}, {5, 12, 16}, {16, 100, 384}, {17, 31, 40}, {63, 97, 65},
            {64, 32, 7}, {65, 33, 385}, {130, 70, 800}, {255, 17, 20}, {256, 64, 48}, {300, 200, 30}, {413, 47, 785}
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int[] s : shapes) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                float[] x = random(random, m * k);
                float[] w = random(random, n * k); // [n, k]
                float[] b = random(random, n);
                for (boolean outIn : new boolean[] {true, false}) {
                    for (boolean withBias : new boolean[] {true, false}) {
                        NDArray wa = outIn
                                ? manager.create(w, new Shape(n, k))
                                : manager.create(w, new Shape(n, k)).transpose().duplicate(); // [k, n]
                        NDArray y = NativeKernels.linear(
                                manager.create(x, new Shape(m, k)), wa, withBias ? manager.create(b) : null, outIn, false);
                        assertEquals(new Shape(m, n), y.getShape());
                        float[] got = y.toFloatArray();
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double want = withBias ? b[j] : 0;
                                double scale = Math.abs(want);
                                for (int e = 0; e < k; e++) {
                                    want += (double) x[i * k + e] * w[j * k + e];
                                    scale += Math.abs((double) x[i * k + e] * w[j * k + e]);
                                }
                                double tolerance = 1e-5 * scale + 1e-30;
                                String where = m + "x" + n + "x" + k + " outIn " + outIn + " bias " + withBias + " at " + i + "," + j;
                                assertEquals(want, got[i * n + j], tolerance, where);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Against the engine's own operations ({@code Linear.linear}, {@code matMul}, {@code gelu}) on
     * awkward shapes: one row, k and n off the 16-lane vectors, long rows, both weight layouts.
     * Tolerance: 1e-5 of Σ|x·w| + |b| for the product (two float32 sums in different orders), and
     * for GELU also 1e-3 of the value (the engine's float GELU loses up to ~1e-3 of it in the
     * negative tail, see GeluReference).
     */
    @Test
    void linearMatchesTheEnginesOperations() {
        assumeTrue(NativeKernels.isDenseAvailable(), "no AVX-512 kernels on this machine");
        Random random = new Random(31);
        // {rows, out, in}: m = 1, k and n not multiples of 16, a long row of 3000 inputs
        int[][] shapes = {{1, 1, 3000}, {1, 385, 17}, {3, 15, 33}, {16, 47, 1}, {129, 33, 31}, {7, 1000, 129}};
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int[] s : shapes) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                NDArray x = manager.create(random(random, m * k), new Shape(m, k));
                NDArray w = manager.create(random(random, n * k), new Shape(n, k));
                NDArray b = manager.create(random(random, n));
                NDArray scale = x.abs().matMul(w.abs().transpose()).add(b.abs()).toType(DataType.FLOAT64, false);
                NDArray engine = ai.djl.nn.core.Linear.linear(x, w, b).singletonOrThrow();
                float[] tolerance = scale.mul(1e-5).toType(DataType.FLOAT32, false).toFloatArray();
                for (boolean outIn : new boolean[] {true, false}) {
                    NDArray weight = outIn ? w : w.transpose().duplicate();
                    for (boolean gelu : new boolean[] {false, true}) {
                        float[] want = (gelu ? ai.djl.nn.Activation.gelu(engine) : engine).toFloatArray();
                        float[] got = NativeKernels.linear(x, weight, b, outIn, gelu).toFloatArray();
                        for (int i = 0; i < want.length; i++) {
                            float allowed = tolerance[i] * 1.2f + (gelu ? 1e-3f * Math.abs(want[i]) + 1e-6f : 0f);
                            assertEquals(want[i], got[i], allowed, java.util.Arrays.toString(s) + " outIn " + outIn
                                    + " gelu " + gelu + " at " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void noRowsAndNoInputsGiveEmptyOutputsAndTheBias() {
        assumeTrue(NativeKernels.isDenseAvailable(), "no AVX-512 kernels on this machine");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray b = manager.create(new float[] {-1f, 0.5f, 2f});
            for (boolean outIn : new boolean[] {true, false}) {
                NDArray w = manager.ones(outIn ? new Shape(3, 4) : new Shape(4, 3));
                NDArray none = NativeKernels.linear(manager.ones(new Shape(0, 4)), w, b, outIn, false);
                assertEquals(new Shape(0, 3), none.getShape());
                // k = 0: every output is its bias (through GELU if asked).
                NDArray empty = manager.ones(new Shape(2, 0));
                NDArray w0 = manager.ones(outIn ? new Shape(3, 0) : new Shape(0, 3));
                assertArrayEquals(new float[] {-1f, 0.5f, 2f, -1f, 0.5f, 2f},
                        NativeKernels.linear(empty, w0, b, outIn, false).toFloatArray(), 0f, "outIn " + outIn);
                float[] gelu = NativeKernels.linear(empty, w0, b, outIn, true).toFloatArray();
                for (int i = 0; i < 6; i++) {
                    double want = GeluReference.gelu(new float[] {-1f, 0.5f, 2f}[i % 3]);
                    assertEquals(want, gelu[i], 2e-6 * Math.abs(want), "GELU of the bias, outIn " + outIn + " at " + i);
                }
            }
        }
    }

    @Test
    void aRowGetsTheSameBitsAloneAsInALargeBatch() {
        assumeTrue(NativeKernels.isDenseAvailable(), "no AVX-512 kernels on this machine");
        Random random = new Random(5);
        int m = 300; // panels
        int n = 77;
        int k = 400; // more than one pass over k in the panel kernel
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(random(random, m * k), new Shape(m, k));
            NDArray w = manager.create(random(random, n * k), new Shape(n, k));
            NDArray b = manager.create(random(random, n));
            for (boolean outIn : new boolean[] {true, false}) {
                NDArray weight = outIn ? w : w.transpose().duplicate();
                float[] batch = NativeKernels.linear(x, weight, b, outIn, false).toFloatArray(); // panels
                for (int rows : new int[] {1, 3, 16, 40, 127}) { // streamed, rows in the lanes
                    float[] alone = NativeKernels.linear(x.get("0:" + rows), weight, b, outIn, false).toFloatArray();
                    for (int i = 0; i < rows * n; i++) {
                        assertEquals(Float.floatToIntBits(batch[i]), Float.floatToIntBits(alone[i]),
                                "outIn " + outIn + ", " + rows + " rows, at " + i);
                    }
                }
            }
        }
    }

    @Test
    void geluLeavesAsGelu() {
        assumeTrue(NativeKernels.isDenseAvailable(), "no AVX-512 kernels on this machine");
        Random random = new Random(13);
        int n = 45;
        int k = 70;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(random(random, n * k), new Shape(n, k)).div(3f);
            NDArray b = manager.create(random(random, n));
            for (int m : new int[] {1, 7, 40, 300}) { // streamed, rows in the lanes, panels
                NDArray x = manager.create(random(random, m * k), new Shape(m, k));
                for (boolean outIn : new boolean[] {true, false}) {
                    NDArray weight = outIn ? w : w.transpose().duplicate();
                    float[] plain = NativeKernels.linear(x, weight, b, outIn, false).toFloatArray();
                    float[] got = NativeKernels.linear(x, weight, b, outIn, true).toFloatArray();
                    for (int i = 0; i < plain.length; i++) {
                        double want = GeluReference.gelu(plain[i]);
                        assertEquals(want, got[i], 2e-6 * Math.abs(want) + 1e-9, m + " rows, outIn " + outIn + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void oneThreadAndTwoGiveTheSameBits() {
        assumeTrue(NativeKernels.isDenseAvailable(), "no AVX-512 kernels on this machine");
        assumeTrue("PyTorch".equals(Engine.getInstance().getEngineName()), "threads are set through PyTorch");
        Random random = new Random(21);
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(random(random, 300 * 200), new Shape(300, 200));
            NDArray w = manager.create(random(random, 96 * 200), new Shape(96, 200));
            NDArray q = manager.create(random(random, 2 * 3 * 40 * 64), new Shape(2, 3, 40, 64));
            float[][] results = new float[2][];
            float[][] attended = new float[2][];
            for (int threads = 1; threads <= 2; threads++) {
                ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
                results[threads - 1] = NativeKernels.linear(x, w, null, true, true).toFloatArray();
                attended[threads - 1] = NativeKernels.attention(q, q, q, null, 4, 4f, false).toFloatArray();
            }
            for (int i = 0; i < results[0].length; i++) {
                assertEquals(Float.floatToIntBits(results[0][i]), Float.floatToIntBits(results[1][i]), "linear at " + i);
            }
            for (int i = 0; i < attended[0].length; i++) {
                assertEquals(Float.floatToIntBits(attended[0][i]), Float.floatToIntBits(attended[1][i]), "attention at " + i);
            }
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(before);
        }
    }

    @Test
    void attentionMatchesTheEnginesOperations() {
        assumeTrue(NativeKernels.isDenseAvailable(), "no AVX-512 kernels on this machine");
        Random random = new Random(9);
        // {steps, batch, heads, head size, queries, keys}
        // length 1; one query against a long past (decoding at context 300); lengths off the 16-key
        // vectors and the 8-query blocks; fewer queries than keys with causal (a cached pass)
        int[][] cases = {{1, 1, 1, 16, 1, 1}, {2, 3, 2, 32, 5, 5}, {1, 2, 3, 64, 37, 37}, {4, 2, 2, 16, 1, 20},
            {1, 1, 4, 48, 9, 30}, {1, 2, 2, 64, 1, 300}, {1, 1, 2, 32, 130, 130}, {2, 1, 1, 16, 3, 17}};
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int[] c : cases) {
                int t = c[0];
                int batch = c[1];
                int heads = c[2];
                int d = c[3];
                int lq = c[4];
                int lk = c[5];
                int width = heads * d;
                NDArray q = manager.create(random(random, t * batch * lq * width), new Shape(t, batch, lq, width));
                NDArray k = manager.create(random(random, t * batch * lk * width), new Shape(t, batch, lk, width));
                NDArray v = manager.create(random(random, t * batch * lk * width), new Shape(t, batch, lk, width));
                float[] keep = new float[batch * lk];
                for (int i = 0; i < keep.length; i++) {
                    keep[i] = i % lk == 0 || random.nextFloat() < 0.7f ? 0f : -Float.MAX_VALUE; // key 0 always real
                }
                NDArray mask = manager.create(keep, new Shape(batch, 1, 1, lk));
                float scale = (float) Math.sqrt(d);
                for (boolean causal : new boolean[] {false, true}) {
                    for (NDArray m : new NDArray[] {mask, null}) {
                        float[] want = composed(manager, q, k, v, m, heads, scale, causal).toFloatArray();
                        float[] got = NativeKernels.attention(q, k, v, m, heads, scale, causal).toFloatArray();
                        for (int i = 0; i < want.length; i++) {
                            assertEquals(want[i], got[i], 2e-5f * (1 + Math.abs(want[i])),
                                    java.util.Arrays.toString(c) + " causal " + causal + " mask " + (m != null) + " at " + i);
                        }
                    }
                }
            }
        }
    }

    /** softmax(q·kᵀ/scale + mask)·v with the engine's operations, heads split and merged back. */
    private static NDArray composed(
            NDManager manager, NDArray q, NDArray k, NDArray v, NDArray mask, int heads, float scale, boolean causal) {
        Shape s = q.getShape();
        long lq = s.get(2);
        long lk = k.getShape().get(2);
        long d = s.get(3) / heads;
        NDArray qh = q.reshape(s.get(0), s.get(1), lq, heads, d).transpose(0, 1, 3, 2, 4);
        NDArray kh = k.reshape(s.get(0), s.get(1), lk, heads, d).transpose(0, 1, 3, 2, 4);
        NDArray vh = v.reshape(s.get(0), s.get(1), lk, heads, d).transpose(0, 1, 3, 2, 4);
        NDArray scores = qh.matMul(kh.transpose(0, 1, 2, 4, 3)).div(scale);
        if (mask != null) {
            scores = scores.add(mask);
        }
        if (causal) {
            NDArray queries = manager.arange(lk - lq, lk, 1, DataType.INT64).reshape(lq, 1);
            NDArray keys = manager.arange(0, lk, 1, DataType.INT64).reshape(1, lk);
            NDArray after = keys.gt(queries).toType(DataType.FLOAT32, false).mul(-Float.MAX_VALUE);
            scores = scores.add(after);
        }
        return scores.softmax(-1).matMul(vh).transpose(0, 1, 3, 2, 4).reshape(s);
    }

    /** Where the kernels do not run (no AVX-512, -Dspikelm.native=false) a direct call never reaches them. */
    @Test
    void withoutTheKernelsADirectCallIsRefused() {
        assumeFalse(NativeKernels.isDenseAvailable(), "the kernels run here (the suite with -Dspikelm.native=false checks this)");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.ones(new Shape(2, 16));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> NativeKernels.linear(x, manager.ones(new Shape(3, 16)), null, true, false));
            assertTrue(e.getMessage().contains("isDenseAvailable"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> NativeKernels.attention(x, x, x, null, 1, 4f, false));
            assertFalse(NativeKernels.supportsDense(x), "callers are told to use the engine");
        }
    }

    @Test
    void badShapesAreRefusedWithTheShapes() {
        assumeTrue(NativeKernels.isDenseAvailable(), "no AVX-512 kernels on this machine");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.ones(new Shape(2, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NativeKernels.linear(x, manager.ones(new Shape(4, 5)), null, true, false));
            assertTrue(e.getMessage().contains("(4, 5)") && e.getMessage().contains("(2, 3)"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> NativeKernels.linear(x, manager.ones(new Shape(4, 3)), manager.ones(new Shape(3)), true, false));
            NDArray q = manager.ones(new Shape(1, 2, 4, 32));
            e = assertThrows(IllegalArgumentException.class, () -> NativeKernels.attention(q, q, q, null, 3, 1f, false));
            assertTrue(e.getMessage().contains("multiple of 16"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> NativeKernels.attention(q, q, q, manager.ones(new Shape(3, 4)), 2, 1f, false));
        }
    }

    @Test
    void inferenceLeavesTheGraphAndTrainingDoesNot() {
        assumeTrue(NativeKernels.isDenseAvailable(), "no AVX-512 kernels on this machine");
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikingLinear layer = SpikingLinear.builder().setUnits(4).setNeuron(Blocks.identityBlock()).build();
            layer.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 3));
            float[] w = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; // [4, 3]
            layer.getParameters().get(SpikingLinear.WEIGHT).getArray().set(w);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray leaf = manager.ones(new Shape(1, 2, 3));
            leaf.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray inference = layer.forward(store, new NDList(leaf.mul(1f)), false).singletonOrThrow();
                NDArray training = layer.forward(store, new NDList(leaf.mul(1f)), true).singletonOrThrow();
                collector.backward(inference.sum().add(training.sum()));
            }
            // d/dx of the training pass's sum alone: the column sums of W, 22, 26, 30, per row.
            assertArrayEquals(new float[] {22, 26, 30, 22, 26, 30}, leaf.getGradient().toFloatArray(), 0f);
            assertFalse(NativeKernels.supportsDense(leaf.toType(DataType.FLOAT64, false)), "float32 only");
        }
    }
}
