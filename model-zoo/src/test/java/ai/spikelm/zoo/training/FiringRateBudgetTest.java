package ai.spikelm.zoo.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.ops.stats.SiteStatistics;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertForSequenceClassification;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.HfWeights;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The firing-rate budget against the rate a spike monitor counts on the same training pass. */
class FiringRateBudgetTest {

    private static final List<TinySpikeLm.Example> TRAIN = TinySpikeLm.dataset(8, 11);

    @Test
    void raisesEveryAmplitudeByOneFactorWhenTheSitesTogetherFireAboveTheBudget() throws IOException {
        double rate = trainOneStep(0.999, 0.5, false, true).rate();
        assertTrue(rate > 0.2 && rate < 0.8, "a plausible firing rate: " + rate);
        for (double budget : new double[] {rate * 0.8, rate * 1.1}) {
            Step step = trainOneStep(budget, 0.5, false, true);
            assertEquals(rate, step.rate(), 0.0, "the same pass");
            double factor = rate > budget ? Math.pow(rate / budget, 0.5) : 1.0;
            assertTrue(budget < rate ? factor > 1.05 : factor == 1.0);
            for (var e : step.before().entrySet()) {
                float[] old = e.getValue();
                float[] after = step.after().get(e.getKey());
                for (int t = 0; t < old.length; t++) {
                    assertEquals(old[t] * factor, after[t], 1e-6 * old[t], e.getKey() + " step " + t + ", budget " + budget);
                }
            }
        }
    }

    /** α before and after one training step under a budget, and the rate a monitor counted. */
    /**
     * Q, K and V sharing one α (shared_qkv_alpha): the group's α is raised once, not three times, and
     * a training pass that spiked once for the three counts as three sites, so the factor is the one
     * a monitor (which keeps the sites apart) leads to.
     */
    @Test
    void sitesSharingOneAlphaAreRaisedOnceAndCountedOncePerSite() throws IOException {
        double rate = trainOneStep(0.999, 1.0, true, true).rate();
        double budget = rate * 0.8;
        Step monitored = trainOneStep(budget, 1.0, true, true);
        Step shared = trainOneStep(budget, 1.0, true, false);
        String q = "bert.encoder.layer.0.attention.self.query.neuron";
        String v = "bert.encoder.layer.0.attention.self.value.neuron";
        double factor = monitored.after().get(q)[0] / monitored.before().get(q)[0];
        assertEquals(rate / budget, factor, 1e-5, "raised once by (R / r_max)");
        assertEquals(factor, shared.after().get(q)[0] / shared.before().get(q)[0], 1e-6, "spiked once, counted as three sites");
        assertArrayEquals(shared.after().get(q), shared.after().get(v), 0f);
    }

    private record Step(Map<String, float[]> before, Map<String, float[]> after, double rate) {}

    private static Step trainOneStep(double maxRate, double gain, boolean sharedQkvAlpha, boolean monitored) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertConfig config = TinySpikeLm.config(true, true, 0f);
            config = config.toBuilder().optSpiking(config.spiking().toBuilder().optSharedQkvAlpha(sharedQkvAlpha).build()).build();
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(config), manager, 7);
            // Calibrated before the monitor is attached, so the monitor sees the training pass only.
            Calibration.calibrate(model, TinySpikeLm.encode(TRAIN));
            Map<String, AbstractElasticSpikingBlock> sites = HfWeights.spikingSites(model);
            Map<String, float[]> before = new HashMap<>();
            sites.forEach((name, site) -> before.put(name, site.getAmplitudes()));
            FiringRateBudget budget = FiringRateBudget.builder().setModel(model).setMaxRate(maxRate).optGain(gain).build();
            assertEquals(sites.size(), budget.sites());
            long spikes = 0;
            long elements = 0;
            // A learning rate far below an ulp of α: AdamW leaves every α where it is, only the budget moves one.
            try (SpikeMonitor monitor = monitored ? SpikeMonitor.attach(model) : null;
                    AdamW adamW = TinySpikeLm.adamW(model, 1e-30f);
                    SpikeLmTrainer<?> trainer = SpikeLmTrainer.builder()
                            .setModel(model)
                            .setObjective(new TaskObjective())
                            .setTrainData(BatchSource.shuffled(TRAIN, 8, TinySpikeLm::collate))
                            .setOptimizer(adamW)
                            .setEpochs(1)
                            .addListener(budget)
                            .build()) {
                trainer.fit();
                for (SiteStatistics s : monitored ? monitor.snapshot() : List.<SiteStatistics>of()) {
                    if (sites.containsKey(s.name())) {
                        for (int t = 0; t < s.timeSteps(); t++) {
                            spikes += s.nonZeroPerStep()[t];
                            elements += s.elementsPerStep()[t];
                        }
                    }
                }
            } finally {
                budget.detach();
            }
            Map<String, float[]> after = new HashMap<>();
            sites.forEach((name, site) -> after.put(name, site.getAmplitudes()));
            return new Step(before, after, (double) spikes / elements);
        }
    }

    @Test
    void refusesAModelWithoutLearnableAmplitudesAndRatesOutsideTheUnitInterval() {
        try (NDManager manager = NDManager.newBaseManager()) {
            var frozen = TinySpikeLm.initialize(
                    new SpikeBertForSequenceClassification(TinySpikeLm.config(true, false, 0f)), manager, 8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FiringRateBudget.builder().setModel(frozen).setMaxRate(0.4).build());
            assertTrue(e.getMessage().contains("learnable"), e.getMessage());
            for (double bad : new double[] {0, 1, -0.2, Double.NaN}) {
                assertThrows(IllegalArgumentException.class,
                        () -> FiringRateBudget.builder().setModel(frozen).setMaxRate(bad).build(), "rate " + bad);
            }
        }
    }
}
