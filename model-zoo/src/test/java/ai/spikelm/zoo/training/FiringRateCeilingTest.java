package ai.spikelm.zoo.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.ops.stats.SiteStatistics;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.bert.SpikeBertForSequenceClassification;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.HfWeights;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The firing-rate ceiling against the rates a spike monitor counts on the same training pass. */
class FiringRateCeilingTest {

    private static final List<TinySpikeLm.Example> TRAIN = TinySpikeLm.dataset(8, 11);

    @Test
    void raisesEachAmplitudeAboveTheCeilingByThePowerOfTheRatioOfTheRates() throws IOException {
        double ceiling = 0.3;
        double gain = 0.5;
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(
                    new SpikeBertForSequenceClassification(TinySpikeLm.config(true, true, 0f)), manager, 7);
            // Calibrated before the monitor is attached, so the monitor sees the training pass only.
            Calibration.calibrate(model, TinySpikeLm.encode(TRAIN));
            Map<String, AbstractElasticSpikingBlock> sites = HfWeights.spikingSites(model);
            Map<String, float[]> before = new HashMap<>();
            sites.forEach((name, site) -> before.put(name, site.getAmplitudes()));
            FiringRateCeiling rule = FiringRateCeiling.builder().setModel(model).setMaxRate(ceiling).optGain(gain).build();
            assertEquals(sites.size(), rule.sites());

            Map<String, SiteStatistics> counted = new HashMap<>();
            // A learning rate far below an ulp of α: AdamW leaves every α where it is, only the ceiling moves one.
            try (SpikeMonitor monitor = SpikeMonitor.attach(model);
                    AdamW adamW = TinySpikeLm.adamW(model, 1e-30f);
                    SpikeLmTrainer<?> trainer = SpikeLmTrainer.builder()
                            .setModel(model)
                            .setObjective(new TaskObjective())
                            .setTrainData(BatchSource.shuffled(TRAIN, 8, TinySpikeLm::collate))
                            .setOptimizer(adamW)
                            .setEpochs(1)
                            .addListener(rule)
                            .build()) {
                trainer.fit();
                monitor.snapshot().forEach(s -> counted.put(s.name(), s));
            } finally {
                rule.detach();
            }

            int raised = 0;
            int kept = 0;
            for (var e : sites.entrySet()) {
                SiteStatistics stats = counted.get(e.getKey());
                float[] after = e.getValue().getAmplitudes();
                float[] old = before.get(e.getKey());
                for (int t = 0; t < old.length; t++) {
                    double rate = stats.firingRate(t);
                    String what = e.getKey() + " step " + t + " (rate " + rate + ")";
                    if (rate > ceiling) {
                        assertEquals(old[t] * Math.pow(rate / ceiling, gain), after[t], 1e-6 * old[t], what);
                        raised++;
                    } else {
                        assertEquals(old[t], after[t], 0f, what);
                        kept++;
                    }
                }
            }
            assertTrue(raised > 0 && kept > 0, "both branches exercised: raised " + raised + ", kept " + kept);
        }
    }

    @Test
    void refusesAModelWithoutLearnableAmplitudesAndRatesOutsideTheUnitInterval() {
        try (NDManager manager = NDManager.newBaseManager()) {
            var frozen = TinySpikeLm.initialize(
                    new SpikeBertForSequenceClassification(TinySpikeLm.config(true, false, 0f)), manager, 8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FiringRateCeiling.builder().setModel(frozen).setMaxRate(0.4).build());
            assertTrue(e.getMessage().contains("learnable"), e.getMessage());
            for (double bad : new double[] {0, 1, -0.2, Double.NaN}) {
                assertThrows(IllegalArgumentException.class,
                        () -> FiringRateCeiling.builder().setModel(frozen).setMaxRate(bad).build(), "rate " + bad);
            }
        }
    }
}
