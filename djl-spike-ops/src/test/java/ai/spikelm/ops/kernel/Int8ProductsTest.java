package ai.spikelm.ops.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The labelled, lossy int8 products of ternary spikes: bit for bit the formula they document
 * (computed here in Java from the quantised weights), within the quantisation bound of the exact
 * product, and never used for training.
 */
class Int8ProductsTest {

    @BeforeAll
    static void loadTheEngine() {
        Engine.getInstance();
    }

    @Test
    void equalTheDocumentedIntegerFormulaBitForBit() {
        assumeTrue(NativeKernels.isInt8Available(), "no AVX-512 VNNI here");
        Random random = new Random(17);
        int steps = 3;
        int rowsPerStep = 7; // 21 rows: blocks of 12, 4 and single rows
        int in = 45; // not a multiple of 4
        int out = 37; // two panels, the second partial
        float[] alpha = {0.5f, 1.25f, 2f};
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] w = new float[out * in];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextGaussian() * (i % in == 0 ? 3 : 1);
            }
            float[] b = new float[out];
            for (int i = 0; i < out; i++) {
                b[i] = (float) random.nextGaussian();
            }
            int[] s = new int[steps * rowsPerStep * in];
            float[] x = new float[s.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = random.nextInt(3) - 1;
                x[i] = alpha[i / (rowsPerStep * in)] * s[i];
            }
            NDArray weight = manager.create(w, new Shape(out, in));
            for (boolean outIn : new boolean[] {true, false}) {
                NativeKernels.Int8Weights q =
                        NativeKernels.Int8Weights.quantize(outIn ? weight : weight.transpose().duplicate(), outIn);
                float[] scale = q.scales();
                for (boolean gelu : new boolean[] {false, true}) {
                    NDArray spikes = manager.create(x, new Shape(steps, rowsPerStep, in));
                    float[] got = NativeKernels.ternaryInt8(spikes, alpha, q, manager.create(b), gelu).toFloatArray();
                    float[] plain = NativeKernels.ternaryInt8(spikes, alpha, q, manager.create(b), false).toFloatArray();

                    for (int r = 0; r < steps * rowsPerStep; r++) {
                        for (int n = 0; n < out; n++) {
                            float top = 0;
                            for (int e = 0; e < in; e++) {
                                top = Math.max(top, Math.abs(w[n * in + e]));
                            }
                            assertEquals(top / 127f, scale[n], 0f, "scale of output " + n);
                            int sum = 0;
                            for (int e = 0; e < in; e++) {
                                int qv = (int) Math.rint(w[n * in + e] / scale[n]);
                                sum += s[r * in + e] * Math.max(-127, Math.min(127, qv));
                            }
                            float want = Math.fma((float) sum, alpha[r / rowsPerStep] * scale[n], b[n]);
                            int at = r * out + n;
                            if (gelu) {
                                double activated = GeluReference.gelu(plain[at]);
                                assertEquals(activated, got[at], 2e-6 * Math.abs(activated) + 1e-9, "GELU at " + at);
                            } else {
                                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got[at]), "outIn " + outIn + " at " + at);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aSpikingLayerSwitchesWithinTheQuantisationBoundAndTrainingDropsIt() {
        assumeTrue(NativeKernels.isInt8Available(), "no AVX-512 VNNI here");
        Random random = new Random(23);
        int in = 64;
        int out = 40;
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = ElasticBiSpikingNeuron.builder().setTimeSteps(2).build();
            SpikingLinear layer = SpikingLinear.builder().setUnits(out).setNeuron(neuron).build();
            layer.initialize(manager, DataType.FLOAT32, new Shape(2, 5, in));
            float[] w = new float[out * in];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextGaussian();
            }
            layer.getParameters().get(SpikingLinear.WEIGHT).getArray().set(w);
            neuron.setAmplitudes(new float[] {0.8f, 1.1f});
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(2, 5, in));
            float[] exact = layer.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
            float[] spikes = neuron.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
            assertTrue(layer.useSpikeProduct(SpikingLinear.SpikeProduct.INT8));
            assertEquals(SpikingLinear.SpikeProduct.INT8, layer.getSpikeProduct());
            float[] int8 = layer.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
            float[] scale = NativeKernels.Int8Weights.quantize(layer.getParameters().get(SpikingLinear.WEIGHT).getArray(), true).scales();
            boolean differs = false;
            for (int r = 0; r < 10; r++) {
                for (int n = 0; n < out; n++) {
                    double bound = 1e-5;
                    for (int e = 0; e < in; e++) {
                        bound += Math.abs(spikes[r * in + e]) * scale[n] / 2; // each weight moves by at most scale/2
                    }
                    float d = Math.abs(exact[r * out + n] - int8[r * out + n]);
                    assertTrue(d <= bound, "row " + r + " output " + n + ": |int8 - exact| = " + d + " > " + bound);
                    differs |= d > 0;
                }
            }
            assertTrue(differs, "int8 weights are not the exact weights");
            layer.forward(store, new NDList(x), true); // a training pass: the weights may change
            assertEquals(SpikingLinear.SpikeProduct.DENSE, layer.getSpikeProduct(), "training drops the int8 snapshot");
            assertEquals(0, SpikingLinear.useSpikeProduct(SpikingLinear.builder().setUnits(2)
                    .setNeuron(ai.djl.nn.Blocks.identityBlock()).build(), SpikingLinear.SpikeProduct.INT8), "an ANN layer has no spikes to take");
        }
    }

    /**
     * What is lossy is the int8 weight, not the ternary spikes. With its float32 weights a spiking
     * layer's inference (the native float product where it runs) matches the engine's product of
     * the same spikes within float tolerance: 1e-5 of Σ|s·w| + |b| (plus 1e-3 of the value after
     * GELU, the engine's float GELU's error). And with weights an int8 grid holds exactly (integers,
     * each row reaching ±127, so scale = 1), the int8 path matches within the same tolerance.
     */
    @Test
    void ternarySpikesWithFloatWeightsMatchTheEngineAndInt8LosesOnlyThroughItsWeights() {
        Random random = new Random(29);
        int in = 45; // not a multiple of 4 or 16
        int out = 37;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (SpikingLinear.Activation activation : SpikingLinear.Activation.values()) {
                ElasticBiSpikingNeuron neuron = ElasticBiSpikingNeuron.builder().setTimeSteps(2).build();
                SpikingLinear layer = SpikingLinear.builder().setUnits(out).setNeuron(neuron).optActivation(activation).build();
                layer.initialize(manager, DataType.FLOAT32, new Shape(2, 5, in));
                float[] w = new float[out * in];
                for (int i = 0; i < w.length; i++) {
                    w[i] = i % in == i / in % in ? (i % 2 == 0 ? 127 : -127) : random.nextInt(255) - 127;
                }
                NDArray weight = layer.getParameters().get(SpikingLinear.WEIGHT).getArray();
                weight.set(w);
                NDArray bias = layer.getParameters().get(SpikingLinear.BIAS).getArray();
                float[] b = new float[out];
                for (int i = 0; i < out; i++) {
                    b[i] = (float) random.nextGaussian();
                }
                bias.set(b);
                neuron.setAmplitudes(new float[] {0.8f, 1.1f});
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(2, 5, in));
                NDArray spikes = neuron.forward(store, new NDList(x), false).singletonOrThrow();
                NDArray linear = ai.djl.nn.core.Linear.linear(spikes, weight, bias).singletonOrThrow();
                boolean gelu = activation == SpikingLinear.Activation.GELU;
                float[] engine = (gelu ? ai.djl.nn.Activation.gelu(linear) : linear).toFloatArray();
                float[] tolerance = spikes.abs().matMul(weight.abs().transpose()).add(bias.abs()).mul(1e-5f).toFloatArray();
                float[] exact = layer.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
                check(engine, exact, tolerance, gelu, "float weights, " + activation);
                if (NativeKernels.isInt8Available()) {
                    assertTrue(layer.useSpikeProduct(SpikingLinear.SpikeProduct.INT8));
                    float[] scale = NativeKernels.Int8Weights.quantize(weight, true).scales();
                    for (float f : scale) {
                        assertEquals(1f, f, 0f, "the weights are on the int8 grid");
                    }
                    float[] int8 = layer.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
                    check(engine, int8, tolerance, gelu, "int8 weights on the grid, " + activation);
                    layer.useSpikeProduct(SpikingLinear.SpikeProduct.DENSE);
                }
            }
        }
    }

    private static void check(float[] want, float[] got, float[] tolerance, boolean gelu, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            float allowed = tolerance[i] * 1.2f + (gelu ? 1e-3f * Math.abs(want[i]) + 1e-6f : 0f);
            assertEquals(want[i], got[i], allowed, what + " at " + i);
        }
    }
}
