package ai.spikelm.ops.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
