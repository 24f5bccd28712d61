package ai.spikelm.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.stats.EnergyEstimate;
import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.ops.stats.SiteStatistics;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertModel;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.SpikingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** all-MiniLM-L6-v2 converted to SpikeLM: calibration on real text, firing rates, round trip. */
class MiniLmSpikingTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void convertsCalibratesAndRoundTrips(int timeSteps, @TempDir Path dir) throws IOException {
        EncodedBatch text = MiniLmModels.sentences();
        SpikingConfig spiking = SpikingConfig.builder().optTimeSteps(timeSteps).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = MiniLmModels.model(manager, spiking);
            ParameterStore store = new ParameterStore(manager, false);
            model.forward(store, text.toNDList(manager), false); // calibrates α on real text

            float[] monitored;
            try (SpikeMonitor monitor = SpikeMonitor.attach(model)) {
                monitored = model.forward(store, text.toNDList(manager), false).get(0).toFloatArray();
                List<SiteStatistics> sites = monitor.snapshot();
                long neurons = sites.stream().filter(SiteStatistics::hasSpikes).count();
                assertEquals(6 * 8, neurons, "8 spike sites in each of 6 layers");
                long fired = 0;
                long total = 0;
                for (SiteStatistics s : sites) {
                    for (int t = 0; t < s.timeSteps(); t++) {
                        fired += s.nonZeroPerStep()[t];
                        total += s.elementsPerStep()[t];
                    }
                }
                double rate = (double) fired / total;
                EnergyEstimate energy = EnergyModel.DEFAULT.estimate(sites).perSequence(text.inputIds().length);
                System.out.printf(
                        Locale.ROOT,
                        "MiniLM SpikeLM T=%d: firing rate %.4f over %d sites; per sequence %s%n",
                        timeSteps,
                        rate,
                        neurons,
                        energy);
                assertTrue(rate >= 0.3 && rate <= 0.5, "firing rate at k = 2 should be 0.3–0.5, was " + rate);
                assertTrue(energy.spikingJoules() < energy.annJoules());
            }

            // Unmonitored, as the loaded model runs below (a monitor keeps layers out of the native
            // encoder layer, whose LayerNorm sums in another order).
            float[] before = model.forward(store, text.toNDList(manager), false).get(0).toFloatArray();
            assertEquals(monitored.length, before.length);
            int off = 0;
            for (int i = 0; i < before.length; i++) {
                off += Math.abs(before[i] - monitored[i]) > 1e-4 ? 1 : 0;
            }
            // Last bits, and at most a spike flipped here and there where a membrane sits on a threshold.
            assertTrue(off <= before.length / 50, off + " of " + before.length + " outputs moved under the monitor");
            SpikeBertLoader.save(model, dir);
            SpikeBertPreTrainedModel loaded = SpikeBertLoader.builder().setModelDir(dir).build().load(manager);
            assertTrue(HfWeights.spikingSites(loaded).values().stream().allMatch(s -> s.isCalibrated()));
            float[] after = loaded.forward(store, text.toNDList(manager), false).get(0).toFloatArray();
            assertArrayEquals(before, after, 0f, "save → load must give identical outputs");
        }
    }
}
