package ai.spikelm.ops.neuron;

import static ai.spikelm.ops.neuron.NeuronFixture.forward;
import static ai.spikelm.ops.neuron.NeuronFixture.initialize;
import static ai.spikelm.ops.neuron.NeuronFixture.steps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.stats.SpikeMonitor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one-pass inference path ({@link InferenceSpikes}) against the generic path, which a monitor
 * forces: the same spikes on the same input, ties, extremes and non-finite values included, across
 * chunks and threads, owned or not.
 */
class InferencePathTest {

    @Test
    void roundingShiftRoundsHalfToEvenAndClampsBySign() {
        float big = 1 << 22;
        float[] v = {
            -2.5f, -1.5f, -1f, -0.51f, -0.5f, -0.49f, -0f, 0f, 0.49f, 0.5f, 0.51f, 1f, 1.5f, 2.5f,
            Math.nextUp(0.5f), Math.nextDown(-0.5f), big, -big, 3 * big, -3 * big, 1e30f, -1e30f,
            Float.MIN_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            for (float alpha : new float[] {1f, 0.37f, 3f}) {
                NDArray u = manager.create(v).mul(alpha);
                NDArray a = manager.create(alpha);
                float[] want = ElasticSpike.emit(u, a).output().toFloatArray();
                float[] got = new float[v.length];
                InferenceSpikes.spike(u.toFloatArray(), got, v.length, alpha);
                assertArrayEquals(want, got, 0f, "α = " + alpha); // +0 and −0 count as equal
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ResetMode.class)
    void neuronSpikesAsTheGenericPath(ResetMode mode) {
        float[] alpha = {1.1f, 0.7f, 1.9f, 0.45f};
        float[][] x = inputWithTies(alpha, 4, 515, 5);
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron =
                    calibrated(
                            ElasticBiSpikingNeuron.builder().setTimeSteps(4).optResetMode(mode).build(),
                            manager, new Shape(4, 515), alpha);
            assertSameAsGeneric(neuron, manager, steps(manager, x));
        }
    }

    @Test
    void neuronSpikesAsTheGenericPathAcrossChunks() {
        float[] alpha = {0.9f, 1.4f, 0.6f};
        int n = 2 * (5 * InferenceSpikes.CHUNK + 1234); // no multiple of the chunk
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = calibratedNeuron(manager, new Shape(3, 2, n / 2), alpha);
            assertSameAsGeneric(neuron, manager, steps(manager, inputWithTies(alpha, 3, n, 8)).reshape(3, 2, n / 2));
        }
    }

    @Test
    void threadsSharingOneNeuronEachGetTheirOwnSpikes() throws Exception {
        float[] alpha = {0.9f, 1.4f, 0.6f, 1.1f};
        int n = 3 * InferenceSpikes.CHUNK + 77;
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = calibratedNeuron(manager, new Shape(4, n), alpha);
            int threads = 4;
            NDArray[] inputs = new NDArray[threads];
            float[][] want = new float[threads][];
            try (SpikeMonitor monitor = SpikeMonitor.attach(neuron)) { // the generic path
                for (int i = 0; i < threads; i++) {
                    inputs[i] = steps(manager, inputWithTies(alpha, 4, n, 20 + i));
                    want[i] = forward(neuron, manager, inputs[i], false).toFloatArray();
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<float[]>> got = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    NDArray input = inputs[i];
                    got.add(pool.submit(() -> {
                        float[] last = null;
                        for (int round = 0; round < 5; round++) {
                            try (NDManager call = manager.newSubManager()) {
                                NDArray own = input.duplicate();
                                own.attach(call);
                                last = forward(neuron, call, own, false).toFloatArray();
                            }
                        }
                        return last;
                    }));
                }
                for (int i = 0; i < threads; i++) {
                    assertArrayEquals(want[i], got.get(i).get(), 0f, "thread " + i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void quantizerAndSingleStepNeuronSpikeAsTheGenericPath() {
        float[] alpha = {0.8f, 1.3f, 0.25f};
        try (NDManager manager = NDManager.newBaseManager()) {
            TernarySpikeQuantizer quantizer =
                    calibrated(
                            TernarySpikeQuantizer.builder().setTimeSteps(3).build(),
                            manager, new Shape(3, 2, 100), alpha);
            assertSameAsGeneric(
                    quantizer, manager, steps(manager, inputWithTies(alpha, 3, 200, 6)).reshape(3, 2, 100));

            ElasticBiSpikingNeuron single = calibratedNeuron(manager, new Shape(1, 300), new float[] {0.6f});
            assertSameAsGeneric(single, manager, steps(manager, inputWithTies(new float[] {0.6f}, 1, 300, 7)));
        }
    }

    @Test
    void anOwnedInputMayBeOverwrittenAndAnyOtherIsLeftAlone() {
        float[] alpha = {0.8f, 1.3f};
        try (NDManager manager = NDManager.newBaseManager()) {
            TernarySpikeQuantizer quantizer =
                    calibrated(
                            TernarySpikeQuantizer.builder().setTimeSteps(2).build(),
                            manager, new Shape(2, 50), alpha);
            NDArray input = steps(manager, inputWithTies(alpha, 2, 50, 9));
            float[] before = input.toFloatArray();
            float[] kept = forward(quantizer, manager, input, false).toFloatArray();
            assertArrayEquals(before, input.toFloatArray(), 0f, "an input not handed over is not modified");

            NDArray owned = input.duplicate();
            float[] spikes = forwardOwned(quantizer, manager, owned).toFloatArray();
            assertArrayEquals(kept, spikes, 0f);
        }
    }

    @Test
    void anInputInAutogradsGraphGivesTheSameSpikesOutsideIt() {
        float[] alpha = {0.9f, 1.4f};
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = calibratedNeuron(manager, new Shape(2, 50), alpha);
            NDArray leaf = steps(manager, inputWithTies(alpha, 2, 50, 5));
            float[] want = forward(neuron, manager, leaf, false).toFloatArray();
            leaf.setRequiresGradient(true);
            NDArray kept;
            NDArray overwritten;
            try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                kept = forward(neuron, manager, leaf.mul(1f), false);
                overwritten = forwardOwned(neuron, manager, leaf.mul(1f));
                // Spikes outside the graph add nothing to the gradient: d/dleaf of the sum is 1.
                gc.backward(kept.sum().add(overwritten.sum()).add(leaf.sum()));
            }
            assertArrayEquals(new float[100], leaf.getGradient().sub(1f).toFloatArray(), 0f, "the spikes leave the graph");
            assertArrayEquals(want, kept.toFloatArray(), 0f);
            assertArrayEquals(want, overwritten.toFloatArray(), 0f);
        }
    }

    @Test
    void anOwnedInputThatIsNotContiguousIsSpikedAsAnyOther() {
        float[] alpha = {0.8f, 1.3f};
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = calibratedNeuron(manager, new Shape(2, 7, 9), alpha);
            NDArray contiguous = steps(manager, inputWithTies(alpha, 2, 63, 10)).reshape(2, 9, 7);
            NDArray transposed = contiguous.transpose(0, 2, 1); // a strided view: [2, 7, 9]
            float[] want = forward(neuron, manager, transposed.duplicate(), false).toFloatArray();
            float[] got = forwardOwned(neuron, manager, transposed).toFloatArray();
            assertArrayEquals(want, got, 0f);
        }
    }

    @Test
    void aCallLeavesOnlyItsSpikesOnTheCallersManager() {
        float[] alpha = {0.8f, 1.3f};
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = calibratedNeuron(manager, new Shape(2, 50), alpha);
            ParameterStore store = new ParameterStore(manager, false);
            for (boolean owned : new boolean[] {false, true}) {
                try (NDManager call = manager.newSubManager()) {
                    NDArray input = steps(call, inputWithTies(alpha, 2, 50, 11));
                    int before = ((BaseNDManager) call).getManagedArrays().size();
                    for (int i = 0; i < 10; i++) {
                        NDArray spikes = neuron.forward(store, new NDList(input), false, owned ? SpikingNeuron.inputOwned() : null)
                                .singletonOrThrow();
                        assertSame(call, spikes.getManager(), "the spikes belong to the input's manager");
                        spikes.close();
                    }
                    assertEquals(before, ((BaseNDManager) call).getManagedArrays().size(), "owned: " + owned);
                }
            }
        }
    }

    @Test
    void nonFiniteInputSpikesAsOnTheGenericPath() {
        try (NDManager manager = NDManager.newBaseManager()) {
            AbstractElasticSpikingBlock[] blocks = {
                ElasticBiSpikingNeuron.builder().setTimeSteps(4).optValidateInput(false).build(),
                ElasticBiSpikingNeuron.builder().setTimeSteps(4).optResetMode(ResetMode.HARD).optValidateInput(false).build(),
                ElasticBiSpikingNeuron.builder().setTimeSteps(4).optResetMode(ResetMode.SOFT).optValidateInput(false).build(),
                ElasticBiSpikingNeuron.builder().setTimeSteps(1).optValidateInput(false).build(),
                TernarySpikeQuantizer.builder().setTimeSteps(4).optValidateInput(false).build()
            };
            for (AbstractElasticSpikingBlock block : blocks) {
                int steps = block.getTimeSteps();
                initialize(block, manager, new Shape(steps, 8));
                float[] alpha = new float[steps];
                java.util.Arrays.fill(alpha, 1f);
                block.setAmplitudes(alpha);
                float[][] x = new float[steps][8];
                x[0][3] = Float.NaN; // reaches every later step of a membrane
                x[0][5] = Float.POSITIVE_INFINITY;
                x[steps - 1][6] = Float.NEGATIVE_INFINITY;
                NDArray input = steps(manager, x);
                float[] out = forward(block, manager, input, false).toFloatArray();
                String name = block.getClass().getSimpleName() + " T=" + steps;
                assertTrue(Float.isNaN(out[3]), name);
                assertSameAsGeneric(block, manager, input); // NaN equals NaN here
            }
        }
    }

    /** A default neuron over T = {@code alpha.length} steps, calibrated to {@code alpha}. */
    private static ElasticBiSpikingNeuron calibratedNeuron(NDManager manager, Shape shape, float[] alpha) {
        return calibrated(ElasticBiSpikingNeuron.builder().setTimeSteps(alpha.length).build(), manager, shape, alpha);
    }

    /** Initialises the block for {@code shape} and sets its amplitudes, as calibration would. */
    private static <B extends AbstractElasticSpikingBlock> B calibrated(B block, NDManager manager, Shape shape, float[] alpha) {
        initialize(block, manager, shape);
        block.setAmplitudes(alpha);
        return block;
    }

    /** Runs the block on an input it may overwrite ({@link SpikingNeuron#INPUT_OWNED}). */
    private static NDArray forwardOwned(AbstractElasticSpikingBlock block, NDManager manager, NDArray input) {
        return block.forward(new ParameterStore(manager, false), new NDList(input), false, SpikingNeuron.inputOwned())
                .singletonOrThrow();
    }

    /** Runs the block unmonitored (one-pass path) and monitored (generic path) and compares. */
    private static void assertSameAsGeneric(AbstractElasticSpikingBlock block, NDManager manager, NDArray input) {
        assertTrue(InferenceSpikes.supports(input), "the PyTorch engine lets Java address its memory");
        float[] fast = forward(block, manager, input, false).toFloatArray();
        float[] generic;
        try (SpikeMonitor monitor = SpikeMonitor.attach(block)) {
            generic = forward(block, manager, input, false).toFloatArray();
        }
        assertArrayEquals(generic, fast, 0f);
    }

    /** Gaussian input in which every fifth value sits exactly on a rounding tie of its step. */
    private static float[][] inputWithTies(float[] alpha, int steps, int n, long seed) {
        Random random = new Random(seed);
        float[][] x = new float[steps][n];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                x[t][i] = i % 5 == 0 ? (random.nextInt(7) - 3) * 0.5f * alpha[t] : (float) random.nextGaussian() * 1.3f;
            }
        }
        return x;
    }
}
