package ai.spikelm.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.ops.stats.SiteStatistics;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.SpikingConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SpikeLM-BERT calibrated on text over real positions ({@link Calibration}): padding does not move
 * α, per-site firing-rate targets are met, and a calibrated model is left alone.
 */
class BertCalibrationTest {

    private static final SpikingConfig MEAN_ABS = SpikingConfig.builder().optTimeSteps(2).build();
    private static final SpikingConfig RATE = SpikingConfig.builder().optTimeSteps(2).optTargetFiringRate(0.3f).build();

    /** TinyBert's batch (real lengths 5, 3, 1) padded with {@code extra} more padding columns. */
    private static EncodedBatch padded(int extra) {
        int length = TinyBert.IDS[0].length + extra;
        long[][] ids = new long[TinyBert.IDS.length][length];
        long[][] mask = new long[TinyBert.IDS.length][length];
        long[][] types = new long[TinyBert.IDS.length][length];
        for (int b = 0; b < ids.length; b++) {
            System.arraycopy(TinyBert.IDS[b], 0, ids[b], 0, TinyBert.IDS[b].length);
            System.arraycopy(TinyBert.MASK[b], 0, mask[b], 0, TinyBert.IDS[b].length);
            System.arraycopy(TinyBert.TYPES[b], 0, types[b], 0, TinyBert.IDS[b].length);
            for (int l = TinyBert.IDS[b].length; l < length; l++) {
                ids[b][l] = 7 + l; // padding with varied ids, so that a rule reading it would move
            }
        }
        return new EncodedBatch(ids, mask, types);
    }

    private static SpikeBertModel model(NDManager manager, SpikingConfig spiking) {
        SpikeBertModel model = new SpikeBertModel(TinyBert.config(spiking));
        model.initialize(manager);
        TinyBert.randomize(model, 42);
        return model;
    }

    @Test
    void paddingDoesNotChangeAlphaForEitherRule() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (SpikingConfig spiking : new SpikingConfig[] {MEAN_ABS, RATE}) {
                Map<String, float[]> tight = Calibration.calibrate(model(manager, spiking), padded(0));
                Map<String, float[]> loose = Calibration.calibrate(model(manager, spiking), padded(6));
                assertEquals(2 * 8, tight.size(), "two layers of eight sites");
                assertEquals(tight.keySet(), loose.keySet());
                double worst = 0;
                for (String site : tight.keySet()) {
                    for (int t = 0; t < 2; t++) {
                        // Relative: the engine's products may round a row differently inside a wider
                        // batch (MKL blocks by shape), a few float32 ulps of α, never more.
                        float alpha = tight.get(site)[t];
                        worst = Math.max(worst, Math.abs(alpha - loose.get(site)[t]) / Math.max(Math.abs(alpha), 1e-12f));
                    }
                }
                System.out.printf("%s: max |Δα| / α with 6 more padding columns = %.3g%n", spiking, worst);
                assertTrue(worst <= 1e-6, spiking + ": padding moved α by " + worst + " of its value");

                // The first batch without a calibrator counts the padding: α moves (what this fixes).
                SpikeBertModel firstBatch = model(manager, spiking);
                TinyBert.run(firstBatch, manager, padded(6).toNDList(manager));
                String site = "encoder.layer.0.attention.self.query.neuron";
                float before = HfWeights.spikingSites(firstBatch).get(site).getAmplitudes()[0];
                assertTrue(Math.abs(before - loose.get(site)[0]) > 1e-3, spiking + ": padding was expected to matter");
            }
        }
    }

    @Test
    void aSiteWithItsOwnFiringRateFiresAtIt() {
        // T = 1 and no padding: rerunning the calibration batch reproduces its spikes, so the
        // monitored rate of each site is the rate its α was calibrated to.
        SpikingConfig spiking = SpikingConfig.builder().optTimeSteps(1).optSiteFiringRates(Map.of("key_states", 0.2f)).build();
        EncodedBatch full = new EncodedBatch(
                new long[][] {{2, 17, 5, 33, 8}, {2, 9, 31, 12, 4}},
                new long[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}},
                new long[2][5]);
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = model(manager, spiking);
            Calibration.calibrate(model, full);
            try (SpikeMonitor monitor = SpikeMonitor.attach(model)) {
                TinyBert.run(model, manager, full.toNDList(manager));
                int keys = 0;
                for (SiteStatistics s : monitor.snapshot()) {
                    if (s.name().endsWith("key_spike")) {
                        assertEquals(32.0 / 160, s.firingRate(), 1e-9, s.name()); // round(0.2·160) of 2·5·16
                        keys++;
                    } else if (s.name().endsWith("query.neuron")) {
                        assertTrue(Math.abs(s.firingRate() - 0.2) > 0.05, s.name() + " follows k, not the key rate: " + s.firingRate());
                    }
                }
                assertEquals(2, keys);
            }
        }
    }

    @Test
    void aCalibratedModelIsLeftAlone() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = model(manager, MEAN_ABS);
            assertTrue(Calibration.needed(model));
            Map<String, float[]> first = Calibration.calibrate(model, padded(0));
            assertFalse(Calibration.needed(model));
            assertTrue(Calibration.calibrate(model, padded(6)).isEmpty(), "nothing to calibrate");
            first.forEach((site, alpha) ->
                    assertEquals(alpha[1], HfWeights.spikingSites(model).get(site).getAmplitudes()[1], 0f, site));
            assertFalse(Calibration.needed(model(manager, SpikingConfig.ANN)), "an ANN has no sites");
        }
    }
}
