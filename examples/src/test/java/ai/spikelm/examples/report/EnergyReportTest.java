package ai.spikelm.examples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Energy per real token and per sequence: with padding excluded, a padded batch costs exactly what
 * its rows cost run one by one without padding; with padding counted, more, and each report says
 * which it is.
 */
class EnergyReportTest {

    private static final long[][] REAL = {{2, 17, 5, 33, 8, 41, 9}, {2, 9, 31}, {2, 44, 12, 7}};

    /** The rows padded to the longest, with varied padding ids. */
    private static EncodedBatch padded() {
        long[][] ids = new long[3][7];
        long[][] mask = new long[3][7];
        for (int b = 0; b < 3; b++) {
            for (int l = 0; l < 7; l++) {
                boolean real = l < REAL[b].length;
                ids[b][l] = real ? REAL[b][l] : 50 + l;
                mask[b][l] = real ? 1 : 0;
            }
        }
        return new EncodedBatch(ids, mask, new long[3][7]);
    }

    private static EncodedBatch alone(int row) {
        long[][] mask = new long[1][REAL[row].length];
        java.util.Arrays.fill(mask[0], 1);
        return new EncodedBatch(new long[][] {REAL[row]}, mask, new long[1][REAL[row].length]);
    }

    private static TrainableModel calibratedModel(NDManager manager) {
        manager.getEngine().setRandomSeed(4);
        TrainableModel model = ModelFamilies.forModelType("bert")
                .create(ModelKind.ENCODER, new ModelShape(64, 16, 16, 2, 4), SpikingConfig.builder().optTimeSteps(2).build(), manager);
        Calibration.calibrate(model, padded());
        return model;
    }

    @Test
    void withPaddingExcludedABatchCostsWhatItsRowsCostAlone() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainableModel model = calibratedModel(manager);
            EnergyReport batched = EnergyReport.measure(
                    "T=2", model, manager, List.of(padded()), EnergyModel.DEFAULT, EnergyReport.Padding.EXCLUDED, i -> {});
            EnergyReport rows = EnergyReport.measure(
                    "T=2", model, manager, List.of(alone(0), alone(1), alone(2)), EnergyModel.DEFAULT, EnergyReport.Padding.COUNTED, i -> {});
            assertTrue(batched.paddingExcluded());
            assertTrue(rows.paddingExcluded(), "rows without padding have nothing to exclude");
            assertEquals(14, batched.tokens());
            assertEquals(14, batched.positions());
            assertEquals(3, batched.sequences());
            assertEquals(rows.perSequence().spikingJoules(), batched.perSequence().spikingJoules(), 1e-18);
            assertEquals(rows.perSequence().annJoules(), batched.perSequence().annJoules(), 1e-18);
            assertEquals(rows.perToken().spikingJoules(), batched.perToken().spikingJoules(), 1e-18);
            assertEquals(rows.overallFiringRate(), batched.overallFiringRate(), 1e-12);
            assertTrue(batched.paddingLabel().startsWith("padding excluded: 14 real tokens, 4.7 per sequence"),
                    batched.paddingLabel());
        }
    }

    @Test
    void withPaddingCountedThePaddedPositionsCostAndTheReportSaysSo() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainableModel model = calibratedModel(manager);
            EnergyReport excluded = EnergyReport.measure(
                    "T=2", model, manager, List.of(padded()), EnergyModel.DEFAULT, EnergyReport.Padding.EXCLUDED, i -> {});
            EnergyReport counted = EnergyReport.measure(
                    "T=2", model, manager, List.of(padded()), EnergyModel.DEFAULT, EnergyReport.Padding.COUNTED, i -> {});
            assertFalse(counted.paddingExcluded());
            assertEquals(21, counted.positions());
            assertEquals(14, counted.tokens());
            assertTrue(counted.perSequence().annJoules() > excluded.perSequence().annJoules() * 1.4,
                    "21 positions against 14: the ANN's MACs grow at least linearly");
            StringWriter text = new StringWriter();
            counted.print(new PrintWriter(text, true), false);
            assertTrue(text.toString().contains("per real token: ANN"), text.toString());
            assertTrue(text.toString().contains("padding counted: 21 positions run for 14 real tokens"), text.toString());
        }
    }

    @Test
    void theRecorderNeedsACalibratedModel() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainableModel model = ModelFamilies.forModelType("bert")
                    .create(ModelKind.ENCODER, new ModelShape(64, 16, 16, 2, 4), SpikingConfig.builder().optTimeSteps(2).build(), manager);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> EnergyReport.Recorder.attach(model));
            assertTrue(e.getMessage().contains("Calibrate"), e.getMessage());
        }
    }
}
