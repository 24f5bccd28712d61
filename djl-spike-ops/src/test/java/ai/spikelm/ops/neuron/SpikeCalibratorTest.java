package ai.spikelm.ops.neuron;

import static ai.spikelm.ops.neuron.NeuronFixture.forward;
import static ai.spikelm.ops.neuron.NeuronFixture.initialize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.nn.SpikingLinear;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Calibration over real positions: α does not depend on padding, matches an independent scalar
 * computation over the real elements only, and bad positions or shapes fail naming the site.
 */
class SpikeCalibratorTest {

    private static final int T = 3;
    private static final int B = 2;
    private static final int D = 4;
    /** Real lengths of the two rows; the unpadded batch is L = 3 wide. */
    private static final int[] LENGTHS = {3, 2};

    /** The real values x[t][b][l][d] (positions l ≥ LENGTHS[b] are padding and never read). */
    private static float[][][][] realInput(long seed) {
        Random random = new Random(seed);
        float[][][][] x = new float[T][B][3][D];
        for (float[][][] step : x) {
            for (float[][] row : step) {
                for (float[] position : row) {
                    for (int d = 0; d < D; d++) {
                        position[d] = (float) random.nextGaussian();
                    }
                }
            }
        }
        return x;
    }

    /**
     * The real values padded to width {@code width}; padded positions hold {@code padValue}·N(0,1)
     * noise so that a rule that read them would move.
     */
    private static NDArray batch(NDManager manager, float[][][][] x, int width, float padValue, long seed) {
        Random random = new Random(seed);
        float[] flat = new float[T * B * width * D];
        int i = 0;
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                for (int l = 0; l < width; l++) {
                    for (int d = 0; d < D; d++) {
                        boolean real = l < LENGTHS[b];
                        flat[i++] = real ? x[t][b][l][d] : padValue * (float) random.nextGaussian();
                    }
                }
            }
        }
        return manager.create(flat, new Shape(T, B, width, D));
    }

    private static NDArray mask(NDManager manager, int width) {
        long[] m = new long[B * width];
        for (int b = 0; b < B; b++) {
            for (int l = 0; l < LENGTHS[b]; l++) {
                m[b * width + l] = 1;
            }
        }
        return manager.create(m, new Shape(B, width)); // INT64, as an attention mask comes
    }

    private static ElasticBiSpikingNeuron neuron(AmplitudeCalibration rule) {
        return ElasticBiSpikingNeuron.builder().setTimeSteps(T).optCalibration(rule).build();
    }

    /** Calibrates a fresh neuron on the batch through a SpikeCalibrator. */
    private static float[] calibrateMasked(NDManager manager, AmplitudeCalibration rule, NDArray input, NDArray mask) {
        ElasticBiSpikingNeuron neuron = neuron(rule);
        initialize(neuron, manager, input.getShape());
        Map<String, float[]> alphas =
                SpikeCalibrator.attach(neuron).calibrate(mask, () -> forward(neuron, manager, input, false));
        assertTrue(neuron.isCalibrated());
        assertArrayEquals(neuron.getAmplitudes(), alphas.get("root"), 0f);
        return neuron.getAmplitudes();
    }

    /**
     * An independent scalar calibration: the REFERENCE recurrence of SPIKELM.md §1 element by
     * element, α_t computed from the real elements of u_t only, before step t spikes.
     */
    private static float[] scalarReference(float[][][][] x, boolean meanAbs, float parameter) {
        float tau = ElasticBiSpikingNeuron.DEFAULT_DECAY;
        int n = 0;
        for (int length : LENGTHS) {
            n += length * D;
        }
        float[] u = new float[n];
        float[] s = new float[n];
        float[] alpha = new float[T];
        for (int t = 0; t < T; t++) {
            int i = 0;
            for (int b = 0; b < B; b++) {
                for (int l = 0; l < LENGTHS[b]; l++) {
                    for (int d = 0; d < D; d++) {
                        float carry = t == 0 ? 0f : u[i] * (alpha[t - 1] - alpha[t - 1] * s[i]) * tau;
                        u[i] = carry + x[t][b][l][d];
                        i++;
                    }
                }
            }
            float[] abs = new float[n];
            double sum = 0;
            for (int j = 0; j < n; j++) {
                abs[j] = Math.abs(u[j]);
                sum += abs[j];
            }
            if (meanAbs) {
                alpha[t] = (float) (parameter * sum / n);
            } else {
                Arrays.sort(abs);
                int firing = (int) Math.round((double) parameter * n);
                alpha[t] = abs[n - firing - 1] + abs[n - firing];
            }
            for (int j = 0; j < n; j++) {
                s[j] = (float) Math.max(-1.0, Math.min(1.0, Math.rint(u[j] / alpha[t])));
            }
        }
        return alpha;
    }

    /**
     * k·mean|u| is the double-precision value rounded once, whatever the engine's thread count: a
     * float32 sum over a million elements depends on how it is split, and in a deep model one
     * flipped spike moves every later layer's α.
     */
    @Test
    void meanAbsIsTheDoublePrecisionMeanRoundedOnce() {
        Random random = new Random(17);
        int n = 1 << 20;
        float[] u = new float[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            u[i] = (float) (random.nextGaussian() * Math.exp(4 * random.nextDouble()));
            sum += Math.abs(u[i]);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray membrane = manager.create(u, new Shape(16, n / 16));
            NDArray alpha = AmplitudeCalibration.meanAbs(2f).amplitude(membrane);
            assertEquals(DataType.FLOAT32, alpha.getDataType());
            assertEquals((float) (2.0 * sum / n), alpha.getFloat(), 0f);
        }
    }

    @Test
    void paddingDoesNotChangeAlphaForEitherRule() {
        float[][][][] x = realInput(7);
        Object[][] rules = {
            {AmplitudeCalibration.meanAbs(2f), true, 2f},
            {AmplitudeCalibration.targetFiringRate(0.3f), false, 0.3f}
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Object[] r : rules) {
                AmplitudeCalibration rule = (AmplitudeCalibration) r[0];
                float[] tight = calibrateMasked(manager, rule, batch(manager, x, 3, 0f, 1), mask(manager, 3));
                float[] padded = calibrateMasked(manager, rule, batch(manager, x, 9, 50f, 2), mask(manager, 9));
                float[] reference = scalarReference(x, (Boolean) r[1], (Float) r[2]);
                assertArrayEquals(tight, padded, 1e-6f, rule + ": padding changed α");
                assertArrayEquals(reference, padded, 1e-5f, rule + ": α differs from the scalar reference");

                // Without the calibrator the first batch counts its padding: α moves (the bug fixed).
                ElasticBiSpikingNeuron firstBatch = neuron(rule);
                NDArray input = batch(manager, x, 9, 50f, 2);
                initialize(firstBatch, manager, input.getShape());
                forward(firstBatch, manager, input, false);
                assertTrue(Math.abs(firstBatch.getAmplitudes()[0] - padded[0]) > 0.1f, rule + ": padding was expected to matter");
            }
        }
    }

    @Test
    void targetFiringRateFiresAtTheRateOverRealPositionsOnly() {
        float[][][][] x = realInput(11);
        try (NDManager manager = NDManager.newBaseManager()) {
            TernarySpikeQuantizer quantizer =
                    TernarySpikeQuantizer.builder().setTimeSteps(T).optCalibration(AmplitudeCalibration.targetFiringRate(0.25f)).build();
            NDArray input = batch(manager, x, 6, 50f, 3);
            NDArray mask = mask(manager, 6);
            initialize(quantizer, manager, input.getShape());
            NDArray[] out = new NDArray[1];
            SpikeCalibrator.attach(quantizer).calibrate(mask, () -> out[0] = forward(quantizer, manager, input, false));
            // 5 real positions × 4 = 20 real elements per step; round(0.25·20) = 5 fire at each step.
            NDArray real = mask.toType(DataType.BOOLEAN, false).expandDims(-1).broadcast(new Shape(B, 6, D));
            for (int t = 0; t < T; t++) {
                long fired = out[0].get(t).neq(0f).logicalAnd(real).sum().getLong();
                assertEquals(5, fired, "step " + t);
            }
        }
    }

    @Test
    void aMaskThatDoesNotFitTheInputNamesTheSite() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikingLinear layer = SpikingLinear.builder().setUnits(3).setNeuron(neuron(AmplitudeCalibration.DEFAULT)).build();
            NDArray input = manager.randomNormal(new Shape(T, B, 5, D));
            layer.initialize(manager, DataType.FLOAT32, input.getShape());
            AbstractElasticSpikingBlock site = (AbstractElasticSpikingBlock) layer.getNeuron();
            site.setAmplitudes(new float[] {1f, 1f, 1f});
            Runnable pass = () -> layer.forward(new ParameterStore(manager, false), new NDList(input), false);

            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> SpikeCalibrator.attach(layer).calibrate(mask(manager, 7), pass));
            assertTrue(e.getMessage().contains("'neuron'"), e.getMessage());
            assertTrue(e.getMessage().contains("(3, 2, 5, 4)") && e.getMessage().contains("[T, 2, 7]"), e.getMessage());
            assertFalse(site.isCalibrated(), "a failed calibration leaves the site uncalibrated");

            // A mask of the wrong rank is caught the same way: [B] would match, [B, 5, 4, 1] not.
            NDArray tooDeep = manager.ones(new Shape(B, 5, D, 1));
            assertThrows(IllegalArgumentException.class, () -> SpikeCalibrator.attach(layer).calibrate(tooDeep, pass));
            // The mask may be any rank ≥ 1 that the input begins with.
            SpikeCalibrator.attach(layer).calibrate(manager.ones(new Shape(B)), pass);
            assertTrue(site.isCalibrated());
        }
    }

    @Test
    void positionsMustBeZeroOrOneWithARealOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = neuron(AmplitudeCalibration.DEFAULT);
            NDArray input = manager.randomNormal(new Shape(T, B, 3, D));
            initialize(neuron, manager, input.getShape());
            Runnable pass = () -> forward(neuron, manager, input, false);
            SpikeCalibrator calibrator = SpikeCalibrator.attach(neuron);
            IllegalArgumentException two =
                    assertThrows(IllegalArgumentException.class, () -> calibrator.calibrate(manager.full(new Shape(B, 3), 2f), pass));
            assertTrue(two.getMessage().contains("1 (real) or 0"), two.getMessage());
            IllegalArgumentException none =
                    assertThrows(IllegalArgumentException.class, () -> calibrator.calibrate(manager.zeros(new Shape(B, 3)), pass));
            assertTrue(none.getMessage().contains("no real position"), none.getMessage());
            assertThrows(IllegalArgumentException.class, () -> calibrator.calibrate(manager.create(1f), pass));
        }
    }

    @Test
    void aSiteThePassDoesNotReachIsAnErrorAndNothingStaysCalibrated() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron first = neuron(AmplitudeCalibration.DEFAULT);
            ElasticBiSpikingNeuron second = neuron(AmplitudeCalibration.DEFAULT);
            SequentialBlock model = new SequentialBlock().add(first).add(second);
            NDArray input = manager.randomNormal(new Shape(T, B, 3, D));
            model.initialize(manager, DataType.FLOAT32, input.getShape());
            SpikeCalibrator calibrator = SpikeCalibrator.attach(model);
            assertEquals(List.of("01ElasticBiSpikingNeuron", "02ElasticBiSpikingNeuron"), List.copyOf(calibrator.sites()));
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> calibrator.calibrate(mask(manager, 3), () -> forward(first, manager, input, false)));
            assertTrue(e.getMessage().contains("02ElasticBiSpikingNeuron") && !e.getMessage().contains("01"), e.getMessage());
            assertFalse(first.isCalibrated());
            assertFalse(second.isCalibrated());
        }
    }

    @Test
    void attachUncalibratedKeepsCalibratedSitesAndCalibratesTheRest() {
        float[][][][] x = realInput(5);
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron first = neuron(AmplitudeCalibration.DEFAULT);
            ElasticBiSpikingNeuron second = neuron(AmplitudeCalibration.DEFAULT);
            SequentialBlock model = new SequentialBlock().add(first).add(second);
            NDArray input = batch(manager, x, 4, 50f, 9);
            model.initialize(manager, DataType.FLOAT32, input.getShape());
            float[] fixed = {0.7f, 0.9f, 1.1f};
            first.setAmplitudes(fixed);
            SpikeCalibrator calibrator = SpikeCalibrator.attachUncalibrated(model);
            assertEquals(List.of("02ElasticBiSpikingNeuron"), List.copyOf(calibrator.sites()));
            Map<String, float[]> alphas =
                    calibrator.calibrate(mask(manager, 4), () -> model.forward(new ParameterStore(manager, false), new NDList(input), false));
            assertEquals(1, alphas.size());
            assertArrayEquals(fixed, first.getAmplitudes(), 0f);
            assertTrue(second.isCalibrated());
            // The second neuron saw the first one's spikes α·s ∈ {−α, 0, α}: its α_0 = 2·mean|o_0|
            // over the real positions is a multiple of 2·α_0/20 of the first neuron.
            float ratio = second.getAmplitudes()[0] / (2f * fixed[0] / 20f);
            assertEquals(Math.round(ratio), ratio, 1e-4f);
        }
    }

    @Test
    void noSitesMeansNoPass() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = neuron(AmplitudeCalibration.DEFAULT);
            initialize(neuron, manager, new Shape(T, B, 3, D));
            neuron.setAmplitudes(new float[] {1f, 1f, 1f});
            Map<String, float[]> alphas =
                    SpikeCalibrator.attachUncalibrated(neuron).calibrate(mask(manager, 3), () -> {
                        throw new AssertionError("the pass must not run");
                    });
            assertTrue(alphas.isEmpty());
        }
    }
}
