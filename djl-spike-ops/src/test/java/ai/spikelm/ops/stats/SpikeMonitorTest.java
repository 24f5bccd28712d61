package ai.spikelm.ops.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.neuron.ElasticBiSpikingNeuron;
import ai.spikelm.ops.nn.SpikingLinear;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SpikeMonitorTest {

    private static SpikingLinear spikingLinear(int units) {
        return SpikingLinear.builder()
                .setUnits(units)
                .setNeuron(ElasticBiSpikingNeuron.builder().setTimeSteps(2).build())
                .build();
    }

    @Test
    void sitesAreNamedByPathAndSiblingsStayDistinct() {
        SequentialBlock net = new SequentialBlock().add(spikingLinear(4)).add(spikingLinear(3));
        try (SpikeMonitor monitor = SpikeMonitor.attach(net)) {
            List<String> names =
                    monitor.snapshot().stream().map(SiteStatistics::name).collect(Collectors.toList());
            assertEquals(
                    List.of(
                            "01SpikingLinear",
                            "01SpikingLinear.neuron",
                            "02SpikingLinear",
                            "02SpikingLinear.neuron"),
                    names);
        }
    }

    @Test
    void recordsFromConcurrentCallersWithoutLosingCounts() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikingLinear layer = spikingLinear(2);
            layer.initialize(manager, DataType.FLOAT32, new Shape(2, 5, 3));
            // Calibrate once before the threads start.
            layer.forward(new ParameterStore(manager, false), new NDList(manager.randomNormal(new Shape(2, 5, 3))), false);
            try (SpikeMonitor monitor = SpikeMonitor.attach(layer)) {
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<?>> futures = new java.util.ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        futures.add(
                                pool.submit(
                                        () -> {
                                            try (NDManager local = manager.newSubManager()) {
                                                layer.forward(
                                                        new ParameterStore(local, false),
                                                        new NDList(local.randomNormal(new Shape(2, 5, 3))),
                                                        false);
                                            }
                                        }));
                    }
                    for (Future<?> f : futures) {
                        f.get();
                    }
                } finally {
                    pool.shutdown();
                }
                SiteStatistics neuron =
                        monitor.snapshot().stream()
                                .filter(s -> s.name().equals("neuron"))
                                .findFirst()
                                .orElseThrow();
                assertEquals(40L * 15, neuron.elementsPerStep()[0]);
                assertEquals(40L * 15, neuron.elementsPerStep()[1]);
                SiteStatistics root =
                        monitor.snapshot().stream().filter(s -> s.name().equals("root")).findFirst().orElseThrow();
                assertEquals(40L * 5 * 3 * 2, root.macs());
                assertTrue(root.synapticOps() > 0);

                monitor.reset();
                assertEquals(0, monitor.snapshot().get(0).macs());
            }
        }
    }
    /**
     * Two threads share one monitored layer, each copying its records into a monitor of its own:
     * each copy holds exactly its thread's passes (3 and 5 of 15 neurons per step), the shared
     * monitor all 8, and a thread without a copy adds to the shared monitor only.
     */
    @Test
    void threadCopiesHoldOnlyTheirThreadsPasses() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikingLinear layer = spikingLinear(2);
            layer.initialize(manager, DataType.FLOAT32, new Shape(2, 5, 3));
            layer.forward(new ParameterStore(manager, false), new NDList(manager.randomNormal(new Shape(2, 5, 3))), false);
            try (SpikeMonitor shared = SpikeMonitor.attach(layer)) {
                SpikeMonitor first = new SpikeMonitor();
                SpikeMonitor second = new SpikeMonitor();
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    Future<?> a = pool.submit(() -> passes(layer, manager, first, 3));
                    Future<?> b = pool.submit(() -> passes(layer, manager, second, 5));
                    a.get();
                    b.get();
                } finally {
                    pool.shutdown();
                    pool.awaitTermination(10, TimeUnit.SECONDS);
                }
                passes(layer, manager, null, 1); // no copy on this thread

                assertEquals(3L * 15, site(first, "neuron").elementsPerStep()[1]);
                assertEquals(5L * 15, site(second, "neuron").elementsPerStep()[1]);
                assertEquals(9L * 15, site(shared, "neuron").elementsPerStep()[1]);
                assertEquals(3L * 5 * 3 * 2, site(first, "root").macs());
                assertEquals(5L * 5 * 3 * 2, site(second, "root").macs());
                assertEquals(9L * 5 * 3 * 2, site(shared, "root").macs());
                long spikes = site(first, "neuron").nonZeroPerStep()[0] + site(second, "neuron").nonZeroPerStep()[0];
                assertTrue(spikes <= site(shared, "neuron").nonZeroPerStep()[0]);

                // Copying into the attached monitor itself does not count twice.
                shared.reset();
                passes(layer, manager, shared, 2);
                assertEquals(2L * 15, site(shared, "neuron").elementsPerStep()[1]);
            }
        }
    }

    @Test
    void threadCopiesNestAndCloseOnTheirThread() throws Exception {
        SpikeMonitor outer = new SpikeMonitor();
        SpikeMonitor inner = new SpikeMonitor();
        SpikeMonitor.Site site = new SpikeMonitor().site("s");
        try (SpikeMonitor.ThreadCopy o = SpikeMonitor.copyThreadInto(outer)) {
            site.recordSynapticOps(1, 1);
            try (SpikeMonitor.ThreadCopy i = SpikeMonitor.copyThreadInto(inner)) {
                site.recordSynapticOps(10, 10);
            }
            site.recordSynapticOps(100, 100);
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                Future<?> closing = other.submit(o::close);
                Exception e = assertThrows(Exception.class, closing::get);
                assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
            } finally {
                other.shutdown();
            }
        }
        site.recordSynapticOps(1000, 1000);
        assertEquals(101, site(outer, "s").macs());
        assertEquals(10, site(inner, "s").macs());
    }

    @Test
    void countsSpikesThatChangeSignBetweenSteps() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // [T=3, 4]: step 1 changes entries 1 and 3 (0 → 0.5, −0.5 → 0.5), step 2 entry 0 (0.5 → −0.5);
            // a change of amplitude alone (0.5 → 0.7) is no change of the spike.
            float[] x = {0.5f, 0, 0, -0.5f, 0.7f, 0.7f, 0, 0.7f, -0.2f, 0.2f, 0, 0.2f};
            assertEquals(3, SpikeCounts.changedBetweenSteps(manager.create(x, new Shape(3, 4))));
            assertEquals(0, SpikeCounts.changedBetweenSteps(manager.create(x, new Shape(1, 12))), "one step: nothing to compare");

            SpikingLinear layer = SpikingLinear.builder()
                    .setUnits(2)
                    .setNeuron(ElasticBiSpikingNeuron.builder().setTimeSteps(3).build())
                    .build();
            layer.initialize(manager, DataType.FLOAT32, new Shape(3, 4));
            try (SpikeMonitor monitor = SpikeMonitor.attach(layer)) {
                layer.project(new ParameterStore(manager, false), manager.create(x, new Shape(3, 4)), false);
                SiteStatistics stats = site(monitor, "root");
                assertEquals(3.0 / 8, stats.stepChangeRate(), 1e-12, "3 of the 8 entries of steps 1 and 2");
            }
            assertTrue(Double.isNaN(site(new SpikeMonitor(), "x").stepChangeRate()));
        }
    }

    private static void passes(SpikingLinear layer, NDManager manager, SpikeMonitor copyInto, int n) {
        try (SpikeMonitor.ThreadCopy copy = copyInto == null ? null : SpikeMonitor.copyThreadInto(copyInto)) {
            for (int i = 0; i < n; i++) {
                try (NDManager local = manager.newSubManager()) {
                    layer.forward(new ParameterStore(local, false), new NDList(local.randomNormal(new Shape(2, 5, 3))), false);
                }
            }
        }
    }

    private static SiteStatistics site(SpikeMonitor monitor, String name) {
        monitor.site(name);
        return monitor.snapshot().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }
}
