package ai.spikelm.ops.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.neuron.ElasticBiSpikingNeuron;
import ai.spikelm.ops.nn.SpikingLinear;
import ai.spikelm.ops.nn.SpikingLinear.SpikeProduct;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Event-driven products of spikes: the weight rows of nonzero spikes added (and, with deltas, the
 * rows of the spikes that changed since the token's previous step), against products computed
 * here in double precision, within float rounding of Σ|a·s·w| + |b|.
 */
class EventProductsTest {

    @BeforeAll
    static void loadTheEngine() {
        Engine.getInstance();
    }

    /** Spikes [steps, rows, in] of mostly repeating signs, one amplitude per row. */
    private static float[] spikes(Random random, int steps, int rows, int in, float[] amplitude) {
        float[] x = new float[steps * rows * in];
        for (int r = 0; r < rows; r++) {
            for (int e = 0; e < in; e++) {
                int s = random.nextInt(3) - 1;
                for (int t = 0; t < steps; t++) {
                    if (t > 0 && random.nextInt(4) == 0) {
                        s = random.nextInt(3) - 1; // a quarter of the spikes change from step to step
                    }
                    x[(t * rows + r) * in + e] = s * amplitude[t * rows + r];
                }
            }
        }
        return x;
    }

    @Test
    void matchDoublePrecisionProductsOnAwkwardShapes() {
        assumeTrue(NativeKernels.isEventsAvailable(), "no AVX2 and FMA here");
        Random random = new Random(41);
        int steps = 3;
        int rows = 21;
        int in = 45; // no multiple of 8
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int out : new int[] {40, 72, 128}) { // only tail columns; a block and a tail; two blocks
                float[] amplitude = new float[steps * rows];
                for (int i = 0; i < amplitude.length; i++) {
                    amplitude[i] = 0.25f + random.nextFloat() * (1 + i / rows);
                }
                float[] x = spikes(random, steps, rows, in, amplitude);
                float[] w = new float[out * in];
                gaussian(random, w);
                float[] b = new float[out];
                gaussian(random, b);
                NDArray weight = manager.create(w, new Shape(out, in));
                for (boolean outIn : new boolean[] {true, false}) {
                    NativeKernels.EventWeights events =
                            NativeKernels.EventWeights.of(outIn ? weight : weight.transpose().duplicate(), outIn);
                    for (boolean deltas : new boolean[] {false, true}) {
                        for (boolean gelu : new boolean[] {false, true}) {
                            for (boolean withBias : new boolean[] {false, true}) {
                                NDArray spikes = manager.create(x, new Shape(steps, rows, in));
                                NDArray got = NativeKernels.spikeEvents(spikes, events, withBias ? manager.create(b) : null, gelu, deltas);
                                assertNotNull(got, "spikes are spikes");
                                assertEquals(new Shape(steps, rows, out), got.getShape());
                                check(x, w, withBias ? b : null, got.toFloatArray(), rows * steps, in, out, gelu,
                                        "out " + out + " outIn " + outIn + " deltas " + deltas + " gelu " + gelu + " bias " + withBias);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void check(float[] x, float[] w, float[] b, float[] got, int rows, int in, int out, boolean gelu, String what) {
        for (int r = 0; r < rows; r++) {
            for (int n = 0; n < out; n++) {
                double sum = b == null ? 0 : b[n];
                double size = b == null ? 0 : Math.abs(b[n]);
                for (int e = 0; e < in; e++) {
                    sum += (double) x[r * in + e] * w[n * in + e];
                    size += Math.abs((double) x[r * in + e] * w[n * in + e]);
                }
                double want = gelu ? GeluReference.gelu(sum) : sum;
                double allowed = 1e-5 * size + (gelu ? 2e-6 * Math.abs(want) : 0) + 1e-9;
                assertEquals(want, got[r * out + n], allowed, what + " row " + r + " output " + n);
            }
        }
    }

    @Test
    void aRowDependsOnItsOwnTokenOnlyWhateverTheBatch() {
        assumeTrue(NativeKernels.isEventsAvailable(), "no AVX2 and FMA here");
        Random random = new Random(43);
        int steps = 4;
        int in = 70;
        int out = 136;
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] amplitude = new float[steps * 9];
            Arrays.fill(amplitude, 0.75f);
            float[] x = spikes(random, steps, 9, in, amplitude);
            float[] w = new float[out * in];
            gaussian(random, w);
            NativeKernels.EventWeights events = NativeKernels.EventWeights.of(manager.create(w, new Shape(out, in)), true);
            // The first 2 of the 9 tokens alone: [steps, 2, in] taken from [steps, 9, in].
            float[] few = new float[steps * 2 * in];
            for (int t = 0; t < steps; t++) {
                System.arraycopy(x, t * 9 * in, few, t * 2 * in, 2 * in);
            }
            for (boolean deltas : new boolean[] {false, true}) {
                float[] all = NativeKernels.spikeEvents(manager.create(x, new Shape(steps, 9, in)), events, null, false, deltas).toFloatArray();
                float[] alone = NativeKernels.spikeEvents(manager.create(few, new Shape(steps, 2, in)), events, null, false, deltas).toFloatArray();
                for (int t = 0; t < steps; t++) {
                    assertArrayEquals(Arrays.copyOfRange(all, t * 9 * out, (t * 9 + 2) * out),
                            Arrays.copyOfRange(alone, t * 2 * out, (t + 1) * 2 * out), "step " + t + " deltas " + deltas);
                }
            }
        }
    }

    @Test
    void rowsThatAreNotSpikesAreRefusedAndShapesChecked() {
        assumeTrue(NativeKernels.isEventsAvailable(), "no AVX2 and FMA here");
        try (NDManager manager = NDManager.newBaseManager()) {
            NativeKernels.EventWeights events = NativeKernels.EventWeights.of(manager.ones(new Shape(8, 4)), true);
            NDArray real = manager.create(new float[] {0.5f, 0, -0.5f, 0, 0.5f, 0.25f, 0, 0}, new Shape(1, 2, 4));
            assertNull(NativeKernels.spikeEvents(real, events, null, false, false), "0.5 and 0.25 in one row are not spikes");
            assertThrows(IllegalArgumentException.class,
                    () -> NativeKernels.spikeEvents(manager.ones(new Shape(1, 2, 5)), events, null, false, false));
            assertNull(NativeKernels.EventWeights.of(manager.ones(new Shape(12, 4)), true), "12 outputs are no multiple of 8");
        }
    }

    @Test
    void aSpikingLayerSwitchesToEventsAndTrainingDropsThem() {
        assumeTrue(NativeKernels.isEventsAvailable(), "no AVX2 and FMA here");
        int in = 64;
        int out = 48;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (SpikeProduct kind : new SpikeProduct[] {SpikeProduct.EVENTS, SpikeProduct.EVENT_DELTAS}) {
                ElasticBiSpikingNeuron neuron = ElasticBiSpikingNeuron.builder().setTimeSteps(4).build();
                SpikingLinear layer = SpikingLinear.builder().setUnits(out).setNeuron(neuron)
                        .optActivation(SpikingLinear.Activation.GELU).build();
                layer.initialize(manager, DataType.FLOAT32, new Shape(4, 6, in));
                neuron.setAmplitudes(new float[] {0.8f, 1.1f, 0.9f, 1.3f});
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(4, 6, in));
                float[] dense = layer.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
                assertTrue(layer.useSpikeProduct(kind));
                assertEquals(kind, layer.getSpikeProduct());
                float[] events = layer.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
                for (int i = 0; i < dense.length; i++) {
                    assertEquals(dense[i], events[i], 1e-4f * (1 + Math.abs(dense[i])), kind + " at " + i);
                }
                layer.forward(store, new NDList(x), true);
                assertEquals(SpikeProduct.DENSE, layer.getSpikeProduct(), "training drops the snapshot");
            }
            SpikingLinear odd = SpikingLinear.builder().setUnits(12)
                    .setNeuron(ElasticBiSpikingNeuron.builder().setTimeSteps(1).build()).build();
            odd.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 8));
            assertTrue(!odd.useSpikeProduct(SpikeProduct.EVENTS), "12 outputs: the dense product stays");
        }
    }

    private static void gaussian(Random random, float[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
    }
}
