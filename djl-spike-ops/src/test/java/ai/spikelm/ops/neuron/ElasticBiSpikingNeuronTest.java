package ai.spikelm.ops.neuron;

import static ai.spikelm.ops.neuron.NeuronFixture.forward;
import static ai.spikelm.ops.neuron.NeuronFixture.initialize;
import static ai.spikelm.ops.neuron.NeuronFixture.row;
import static ai.spikelm.ops.neuron.NeuronFixture.steps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ElasticBiSpikingNeuronTest {

    /** α per step for the hand-computed sequences: non-uniform to check per-step amplitudes. */
    private static final float[] ALPHA = {1f, 2f, 0.5f, 1f};

    /**
     * Two neurons (columns) over T = 4 with α = [1, 2, 0.5, 1] and τ = 0.25.
     *
     * <p>Column A, x = [0.5, 2.875, −0.7, 0.2]: t0 u = 0.5, v = 0.5 is a tie → 0. t1 (all modes) u
     * = 0.25·0.5 + 2.875 = 3.0, v = 1.5 → round 2 → clamp +1, o = 2. t2 REFERENCE/HARD: cleared, u
     * = −0.7, v = −1.4 → −1, o = −0.5; SOFT: u = 0.25·(3 − 2) − 0.7 = −0.45, v = −0.9 → −1. t3
     * REFERENCE: u = 0.25·(−0.7)·(0.5 + 0.5) + 0.2 = 0.025 → 0; HARD: u = 0.2 → 0; SOFT: u =
     * 0.25·(−0.45 + 0.5) + 0.2 = 0.2125 → 0.
     *
     * <p>Column B, x = [−1.2, 1.2, 0.2, 0]: t0 u = −1.2 → −1, o = −1. REFERENCE t1: u =
     * 0.25·(−1.2)·(1 + 1) + 1.2 = 0.6, v = 0.3 → 0; t2: u = 0.25·0.6·2 + 0.2 = 0.5, v = 1 → +1, o =
     * 0.5; t3: u = 0.25·0.5·(0.5 − 0.5) = 0 → 0. HARD t1: u = 1.2, v = 0.6 → +1, o = 2; t2: u = 0.2,
     * v = 0.4 → 0; t3: u = 0.05 → 0. SOFT t1: u = 0.25·(−1.2 + 1) + 1.2 = 1.15 → +1, o = 2; t2: u =
     * 0.25·(1.15 − 2) + 0.2 = −0.0125 → 0; t3 → 0.
     */
    private static final float[][] X = {{0.5f, -1.2f}, {2.875f, 1.2f}, {-0.7f, 0.2f}, {0.2f, 0f}};

    private static float[][] expected(ResetMode mode) {
        switch (mode) {
            case REFERENCE:
                return new float[][] {{0f, -1f}, {2f, 0f}, {-0.5f, 0.5f}, {0f, 0f}};
            case HARD:
            case SOFT:
                return new float[][] {{0f, -1f}, {2f, 2f}, {-0.5f, 0f}, {0f, 0f}};
            default:
                throw new AssertionError(mode);
        }
    }

    private static ElasticBiSpikingNeuron neuron(int timeSteps, ResetMode mode) {
        return ElasticBiSpikingNeuron.builder().setTimeSteps(timeSteps).optResetMode(mode).build();
    }

    @ParameterizedTest
    @EnumSource(ResetMode.class)
    void handComputedSequences(ResetMode mode) {
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = neuron(4, mode);
            initialize(neuron, manager, new Shape(4, 2));
            neuron.setAmplitudes(ALPHA);
            NDArray out = forward(neuron, manager, steps(manager, X), false);
            float[][] want = expected(mode);
            for (int t = 0; t < 4; t++) {
                assertArrayEquals(want[t], row(out, t), 0f, mode + " step " + t);
            }
            // The hand values agree with the scalar reference implementation.
            float[][] ref = ScalarReferenceNeuron.run(X, ALPHA, mode, 0.25f);
            for (int t = 0; t < 4; t++) {
                assertArrayEquals(want[t], ref[t], 0f);
            }
        }
    }

    @Test
    void roundingTiesAreHalfToEvenThenClamped() {
        float[] v = {-2.5f, -1.5f, -1f, -0.51f, -0.5f, -0.49f, 0f, 0.49f, 0.5f, 0.51f, 1f, 1.5f, 2.5f};
        float[] want = {-1f, -1f, -1f, -1f, 0f, 0f, 0f, 0f, 0f, 1f, 1f, 1f, 1f};
        try (NDManager manager = NDManager.newBaseManager()) {
            assertArrayEquals(want, ElasticSpike.ternary(manager.create(v)).toFloatArray(), 0f);
            for (int i = 0; i < v.length; i++) {
                assertEquals(want[i], (float) Math.max(-1, Math.min(1, Math.rint(v[i]))), 0f);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ResetMode.class)
    void matchesScalarReferenceOnRandomInput(ResetMode mode) {
        Random random = new Random(7);
        float[][] x = new float[4][257];
        for (float[] rowValues : x) {
            for (int i = 0; i < rowValues.length; i++) {
                rowValues[i] = (float) random.nextGaussian() * 1.3f;
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = neuron(4, mode);
            initialize(neuron, manager, new Shape(4, 257));
            neuron.setAmplitudes(new float[] {1.1f, 0.7f, 1.9f, 0.45f});
            NDArray out = forward(neuron, manager, steps(manager, x), false);
            float[][] ref =
                    ScalarReferenceNeuron.run(x, new float[] {1.1f, 0.7f, 1.9f, 0.45f}, mode, 0.25f);
            for (int t = 0; t < 4; t++) {
                assertArrayEquals(ref[t], row(out, t), 1e-6f, mode + " step " + t);
            }
        }
    }

    @Test
    void singleStepEqualsTernaryQuantizer() {
        Random random = new Random(3);
        float[][] x = new float[1][100];
        for (int i = 0; i < 100; i++) {
            x[0][i] = (float) random.nextGaussian();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = neuron(1, ResetMode.REFERENCE);
            TernarySpikeQuantizer quantizer = TernarySpikeQuantizer.builder().setTimeSteps(1).build();
            initialize(neuron, manager, new Shape(1, 100));
            initialize(quantizer, manager, new Shape(1, 100));
            // Both calibrate on the same first batch, so α and spikes must agree exactly.
            float[] a = forward(neuron, manager, steps(manager, x), false).toFloatArray();
            float[] b = forward(quantizer, manager, steps(manager, x), false).toFloatArray();
            assertArrayEquals(a, b, 0f);
            assertArrayEquals(neuron.getAmplitudes(), quantizer.getAmplitudes(), 0f);
        }
    }

    @Test
    void quantizerSpikesEachStepWithoutMembrane() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TernarySpikeQuantizer quantizer = TernarySpikeQuantizer.builder().setTimeSteps(2).build();
            initialize(quantizer, manager, new Shape(2, 3));
            quantizer.setAmplitudes(new float[] {1f, 2f});
            float[][] x = {{0.6f, -0.4f, 3f}, {0.6f, -1.2f, 1.0f}};
            NDArray out = forward(quantizer, manager, steps(manager, x), false);
            assertArrayEquals(new float[] {1f, 0f, 1f}, row(out, 0), 0f);
            // No carry: 0.6/2 = 0.3 → 0 even though step 0 left a membrane; 1.0/2 is a tie → 0.
            assertArrayEquals(new float[] {0f, -2f, 0f}, row(out, 1), 0f);
        }
    }

    @Test
    void everyOutputIsAmplitudeTimesTernarySpike() {
        Random random = new Random(11);
        float[][] x = new float[3][64];
        for (float[] r : x) {
            for (int i = 0; i < r.length; i++) {
                r[i] = (float) (random.nextGaussian() * 5);
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = neuron(3, ResetMode.REFERENCE);
            initialize(neuron, manager, new Shape(3, 64));
            NDArray out = forward(neuron, manager, steps(manager, x), false);
            float[] alpha = neuron.getAmplitudes();
            for (int t = 0; t < 3; t++) {
                for (float o : row(out, t)) {
                    assertTrue(o == 0f || o == alpha[t] || o == -alpha[t], "o=" + o);
                }
            }
        }
    }

    @Test
    void calibratesToTwiceMeanAbsoluteMembranePerStep() {
        // α0 = 2·mean|[1, −2, 3, −4]| = 5; s0 = [0, 0, 1, −1], o0 = [0, 0, 5, −5].
        // u1 = 0.25·u0·(5 − o0) + 0 = [1.25, −2.5, 0, −10] → α1 = 2·13.75/4 = 6.875.
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = neuron(2, ResetMode.REFERENCE);
            initialize(neuron, manager, new Shape(2, 4));
            assertFalse(neuron.isCalibrated());
            float[][] x = {{1f, -2f, 3f, -4f}, {0f, 0f, 0f, 0f}};
            NDArray out = forward(neuron, manager, steps(manager, x), false);
            assertTrue(neuron.isCalibrated());
            assertArrayEquals(new float[] {5f, 6.875f}, neuron.getAmplitudes(), 1e-6f);
            assertArrayEquals(new float[] {0f, 0f, 5f, -5f}, row(out, 0), 0f);
            assertArrayEquals(new float[] {0f, 0f, 0f, -6.875f}, row(out, 1), 1e-6f);

            // The second batch uses the stored α; it does not recalibrate.
            float[][] big = {{10f, 10f, 10f, 10f}, {10f, 10f, 10f, 10f}};
            forward(neuron, manager, steps(manager, big), false);
            assertArrayEquals(new float[] {5f, 6.875f}, neuron.getAmplitudes(), 1e-6f);

            neuron.resetCalibration();
            forward(neuron, manager, steps(manager, big), false);
            assertEquals(20f, neuron.getAmplitudes()[0], 1e-6f);
        }
    }

    @Test
    void calibrationIsFlooredAndMultiplierIsSettable() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron silent = neuron(2, ResetMode.REFERENCE);
            initialize(silent, manager, new Shape(2, 3));
            forward(silent, manager, manager.zeros(new Shape(2, 3)), false);
            assertArrayEquals(new float[] {1e-5f, 1e-5f}, silent.getAmplitudes(), 0f);

            ElasticBiSpikingNeuron k3 =
                    ElasticBiSpikingNeuron.builder()
                            .setTimeSteps(1)
                            .optCalibration(AmplitudeCalibration.meanAbs(3f))
                            .build();
            initialize(k3, manager, new Shape(1, 4));
            forward(k3, manager, steps(manager, new float[][] {{1f, -2f, 3f, -4f}}), false);
            assertArrayEquals(new float[] {7.5f}, k3.getAmplitudes(), 1e-6f);
        }
    }

    @Test
    void targetFiringRateCalibrationHitsTheRateOnTheCalibrationBatch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // |u| = [1, 2, 3, 4], rate 1/4: threshold midway between 3 and 4, α = 7.
            ElasticBiSpikingNeuron neuron =
                    ElasticBiSpikingNeuron.builder()
                            .setTimeSteps(1)
                            .optCalibration(AmplitudeCalibration.targetFiringRate(0.25f))
                            .build();
            initialize(neuron, manager, new Shape(1, 4));
            NDArray out = forward(neuron, manager, steps(manager, new float[][] {{1f, -2f, 3f, -4f}}), false);
            assertArrayEquals(new float[] {7f}, neuron.getAmplitudes(), 1e-6f);
            assertArrayEquals(new float[] {0f, 0f, 0f, -7f}, out.toFloatArray(), 1e-6f);

            NDArray gaussian = manager.randomNormal(new Shape(1, 50_000));
            for (float rate : new float[] {0.1f, 0.3f, 0.6f}) {
                ElasticBiSpikingNeuron n =
                        ElasticBiSpikingNeuron.builder()
                                .setTimeSteps(1)
                                .optCalibration(AmplitudeCalibration.targetFiringRate(rate))
                                .build();
                initialize(n, manager, new Shape(1, 50_000));
                NDArray spikes = forward(n, manager, gaussian, false);
                float measured = spikes.neq(0f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean().getFloat();
                assertEquals(rate, measured, 1e-4f, "target " + rate);
            }
        }
    }

    @Test
    void firingRateOfGaussianInputFollowsK() {
        // For N(0,1), α = k·E|u| = k·√(2/π); P(|u| > α/2) = 2(1 − Φ(k/√(2π))) ≈ 0.4245 at k = 2.
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(1234);
            NDArray x = manager.randomNormal(new Shape(1, 200_000));
            double previous = 1.0;
            for (float k : new float[] {1f, 1.5f, 2f, 3f, 4f}) {
                ElasticBiSpikingNeuron neuron =
                        ElasticBiSpikingNeuron.builder()
                                .setTimeSteps(1)
                                .optCalibration(AmplitudeCalibration.meanAbs(k))
                                .build();
                initialize(neuron, manager, new Shape(1, 200_000));
                NDArray spikes = forward(neuron, manager, x, false);
                double rate =
                        spikes.neq(0f).toType(ai.djl.ndarray.types.DataType.FLOAT64, false).mean().getDouble();
                if (k == 2f) {
                    // Standard error of the rate is ~0.0011 at n = 200k; allow 5 sigma.
                    assertEquals(0.4245, rate, 0.006, "firing rate at k = 2");
                }
                assertTrue(rate < previous, "rate must fall as k grows: k=" + k + " rate=" + rate);
                previous = rate;
            }
        }
    }

    @Test
    void calibratedStateAndAmplitudesSurviveSaveAndLoad() throws IOException, MalformedModelException {
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = neuron(3, ResetMode.REFERENCE);
            initialize(neuron, manager, new Shape(3, 5));
            neuron.setAmplitudes(new float[] {0.5f, 1.5f, 2.5f});
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            neuron.saveParameters(new DataOutputStream(bytes));

            ElasticBiSpikingNeuron loaded = neuron(3, ResetMode.REFERENCE);
            initialize(loaded, manager, new Shape(3, 5));
            assertFalse(loaded.isCalibrated());
            loaded.loadParameters(
                    manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertTrue(loaded.isCalibrated());
            assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f}, loaded.getAmplitudes(), 0f);

            ElasticBiSpikingNeuron wrongT = neuron(2, ResetMode.REFERENCE);
            initialize(wrongT, manager, new Shape(2, 5));
            MalformedModelException e =
                    assertThrows(
                            MalformedModelException.class,
                            () ->
                                    wrongT.loadParameters(
                                            manager,
                                            new DataInputStream(
                                                    new ByteArrayInputStream(bytes.toByteArray()))));
            assertTrue(e.getMessage().contains("T=3"), e.getMessage());
        }
    }

    @Test
    void badInputGivesClearErrors() {
        IllegalArgumentException zeroSteps =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ElasticBiSpikingNeuron.builder().setTimeSteps(0));
        assertTrue(zeroSteps.getMessage().contains("at least 1"), zeroSteps.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ElasticBiSpikingNeuron.builder().build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ElasticBiSpikingNeuron.builder().setTimeSteps(2).optDecay(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> AmplitudeCalibration.meanAbs(0f));
        assertThrows(IllegalArgumentException.class, () -> AmplitudeCalibration.targetFiringRate(1f));

        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = neuron(4, ResetMode.REFERENCE);
            initialize(neuron, manager, new Shape(4, 3));

            IllegalArgumentException axis =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> forward(neuron, manager, manager.ones(new Shape(3, 3)), false));
            assertTrue(axis.getMessage().contains("T=4"), axis.getMessage());
            assertTrue(axis.getMessage().contains("(3, 3)"), axis.getMessage());

            IllegalArgumentException negative =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> neuron.setAmplitudes(new float[] {1f, 1f, -0.5f, 1f}));
            assertTrue(negative.getMessage().contains("α_2"), negative.getMessage());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> neuron.setAmplitudes(new float[] {1f, 0f, 1f, 1f}));
            assertThrows(
                    IllegalArgumentException.class, () -> neuron.setAmplitudes(new float[] {1f}));

            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                NDArray x = manager.ones(new Shape(4, 3));
                x.setScalar(new ai.djl.ndarray.index.NDIndex(2, 1), bad);
                IllegalArgumentException nan =
                        assertThrows(
                                IllegalArgumentException.class, () -> forward(neuron, manager, x, false));
                assertTrue(nan.getMessage().contains("NaN or infinite"), nan.getMessage());
            }
            assertFalse(neuron.isCalibrated(), "a rejected batch must not calibrate");

            ElasticBiSpikingNeuron uninitialized = neuron(2, ResetMode.REFERENCE);
            assertThrows(IllegalStateException.class, uninitialized::getAmplitudes);
        }
    }
}
