package ai.spikelm.ops.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.nn.SpikingLinear;
import ai.spikelm.ops.stats.SiteStatistics;
import ai.spikelm.ops.stats.SpikeMonitor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The training pass of calibrated blocks, with frozen or learnable α, against the formulation it
 * replaced ({@link PreviousTrainingPath}): the same spikes and the same gradients, bit for bit, for the input and for
 * the weights of the linear layer that reads the spikes, on inputs that sit on the window's edges
 * (|u| = α and one ulp beyond), on rounding ties (|u| = α/2) and at zero.
 */
class TrainingPathTest {

    private static final int UNITS = 6;

    @ParameterizedTest
    @EnumSource(ResetMode.class)
    void neuronOverFourStepsTrainsAsThePreviousPath(ResetMode mode) {
        float[] alpha = {1.1f, 0.7f, 1.9f, 0.45f};
        assertSameAsPrevious(ElasticBiSpikingNeuron.builder().setTimeSteps(4).optResetMode(mode).build(),
                alpha, mode, new Shape(4, 3, 5, 41), 1);
    }

    @Test
    void singleStepNeuronTrainsAsThePreviousPath() {
        assertSameAsPrevious(ElasticBiSpikingNeuron.builder().setTimeSteps(1).build(),
                new float[] {0.6f}, ResetMode.REFERENCE, new Shape(1, 7, 93), 2);
    }

    @Test
    void quantizerTrainsAsThePreviousPath() {
        float[] alpha = {0.8f, 1.3f, 0.25f};
        assertSameAsPrevious(TernarySpikeQuantizer.builder().setTimeSteps(3).build(), alpha, null, new Shape(3, 2, 4, 50), 3);
        assertSameAsPrevious(TernarySpikeQuantizer.builder().setTimeSteps(1).build(),
                new float[] {1.7f}, null, new Shape(1, 300), 4);
    }

    @ParameterizedTest
    @EnumSource(ResetMode.class)
    void neuronWithLearnableAmplitudeTrainsAsThePreviousPath(ResetMode mode) {
        float[] alpha = {1.1f, 0.7f, 1.9f, 0.45f};
        assertSameAsPrevious(ElasticBiSpikingNeuron.builder().setTimeSteps(4).optResetMode(mode).optLearnableAmplitude(true).build(),
                alpha, mode, new Shape(4, 3, 5, 41), 5);
    }

    @Test
    void spikedAllAtOnceWithLearnableAmplitudeTrainsAsThePreviousPath() {
        assertSameAsPrevious(ElasticBiSpikingNeuron.builder().setTimeSteps(1).optLearnableAmplitude(true).build(),
                new float[] {0.6f}, ResetMode.REFERENCE, new Shape(1, 7, 93), 6);
        assertSameAsPrevious(TernarySpikeQuantizer.builder().setTimeSteps(3).optLearnableAmplitude(true).build(),
                new float[] {0.8f, 1.3f, 0.25f}, null, new Shape(3, 2, 4, 50), 7);
    }

    @Test
    void monitoredTrainingRecordsEachStepsFiringRate() {
        float[] alpha = {0.8f, 1.3f, 0.5f};
        for (AbstractElasticSpikingBlock block : new AbstractElasticSpikingBlock[] {
            TernarySpikeQuantizer.builder().setTimeSteps(3).build(), ElasticBiSpikingNeuron.builder().setTimeSteps(3).build()
        }) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Shape shape = new Shape(3, 4, 25);
                block.initialize(manager, DataType.FLOAT32, shape);
                block.setAmplitudes(alpha);
                NDArray x = input(manager, alpha, shape, 5);
                NDArray out;
                SiteStatistics site;
                block.setTrainingSpikeCounting(true);
                try (SpikeMonitor monitor = SpikeMonitor.attach(block);
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    out = block.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
                    site = monitor.snapshot().get(0);
                }
                AbstractElasticSpikingBlock.SpikeTally counted = block.takeTrainingSpikes();
                for (int t = 0; t < 3; t++) {
                    float[] step = out.get(t).toFloatArray();
                    long nonZero = 0;
                    for (float v : step) {
                        nonZero += v != 0f ? 1 : 0;
                    }
                    assertEquals(nonZero, site.nonZeroPerStep()[t], block.getClass().getSimpleName() + " step " + t);
                    assertEquals(step.length, site.elementsPerStep()[t]);
                    assertEquals(nonZero, counted.nonZeroPerStep()[t], "counted training spikes, step " + t);
                    assertEquals(step.length, counted.elementsPerStep());
                }
                assertNull(block.takeTrainingSpikes(), "taking starts afresh");
                block.setTrainingSpikeCounting(false);
            }
        }
    }

    /**
     * Runs {@code block} inside a spiking linear layer and the previous path followed by the same
     * linear map on the same input, backward from the same weighted sum, and compares everything.
     */
    private static void assertSameAsPrevious(
            AbstractElasticSpikingBlock block, float[] alpha, ResetMode carry, Shape shape, long seed) {
        float decay = block instanceof ElasticBiSpikingNeuron n ? n.getDecay() : 0f;
        String what = block.getClass().getSimpleName() + " T=" + alpha.length + (carry == null ? "" : " " + carry);
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikingLinear layer = SpikingLinear.builder().setUnits(UNITS).setNeuron(block).build();
            manager.getEngine().setRandomSeed((int) seed);
            layer.initialize(manager, DataType.FLOAT32, shape);
            block.setAmplitudes(alpha);
            NDArray weight = layer.getParameters().get(SpikingLinear.WEIGHT).getArray();
            NDArray bias = layer.getParameters().get(SpikingLinear.BIAS).getArray();
            NDArray x = input(manager, alpha, shape, seed);
            NDArray upstream = manager.randomNormal(shape.slice(0, shape.dimension() - 1).add(UNITS));

            boolean learnable = block.isLearnableAmplitude();
            NDArray amplitude = block.getParameters().get(AbstractElasticSpikingBlock.AMPLITUDE).getArray();
            x.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                y = layer.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
                collector.backward(y.mul(upstream).sum());
            }
            float[][] got = {y.toFloatArray(), x.getGradient().toFloatArray(),
                weight.getGradient().toFloatArray(), bias.getGradient().toFloatArray()};
            float[] gotAlphaGradient = learnable ? amplitude.getGradient().toFloatArray() : null;

            NDArray x2 = x.duplicate();
            NDArray w2 = weight.duplicate();
            NDArray b2 = bias.duplicate();
            for (NDArray a : new NDArray[] {x2, w2, b2}) {
                a.setRequiresGradient(true);
            }
            NDArray a2 = manager.create(alpha);
            a2.setRequiresGradient(learnable);
            NDArray y2;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray spikes = PreviousTrainingPath.spike(x2, a2, learnable, carry, decay);
                y2 = Linear.linear(spikes, w2, b2).singletonOrThrow();
                collector.backward(y2.mul(upstream).sum());
            }
            float[][] want = {y2.toFloatArray(), x2.getGradient().toFloatArray(),
                w2.getGradient().toFloatArray(), b2.getGradient().toFloatArray()};
            String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
            for (int i = 0; i < names.length; i++) {
                assertArrayEquals(want[i], got[i], 0f, what + ": " + names[i]);
            }
            if (learnable) {
                // The same terms, summed over broadcast steps rather than per step: equal up to order.
                float[] wantAlphaGradient = a2.getGradient().toFloatArray();
                for (int t = 0; t < alpha.length; t++) {
                    assertTrue(wantAlphaGradient[t] != 0f, what + ": α gradient " + t);
                    assertEquals(wantAlphaGradient[t], gotAlphaGradient[t],
                            1e-5f * Math.abs(wantAlphaGradient[t]), what + ": α gradient " + t);
                }
            }
            float[] gradient = got[1];
            long passed = 0;
            for (float g : gradient) {
                passed += g != 0f ? 1 : 0;
            }
            // Not vacuous: some of the input is inside the window and some outside.
            assertTrue(passed > 0 && passed < gradient.length, what + ": " + passed);
        }
    }

    /**
     * Gaussian values with, at every seventh position, an edge case of that step's α: ±α, one ulp
     * beyond, ±α/2 (a rounding tie), or zero of either sign.
     */
    private static NDArray input(NDManager manager, float[] alpha, Shape shape, long seed) {
        Random random = new Random(seed);
        int perStep = (int) (shape.size() / alpha.length);
        float[] x = new float[(int) shape.size()];
        for (int i = 0; i < x.length; i++) {
            float a = alpha[i / perStep];
            float[] edges = {a, -a, Math.nextUp(a), -Math.nextUp(a), Math.nextDown(a), a / 2, -a / 2, 0f, -0f};
            x[i] = i % 7 == 0 ? edges[random.nextInt(edges.length)] : (float) random.nextGaussian() * 1.3f * a;
        }
        return manager.create(x, shape);
    }
}
