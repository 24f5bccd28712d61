package ai.spikelm.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.neuron.ElasticBiSpikingNeuron;
import ai.spikelm.ops.nn.SpikingLinear;
import ai.spikelm.ops.nn.TimeAxis;
import ai.spikelm.ops.stats.EnergyEstimate;
import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.ops.stats.SpikeMonitor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The code example of the README, kept compiling and running. */
class ReadmeExampleTest {

    @Test
    void readmeExampleRuns() {
        // --- begin README example ---
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikingLinear layer = SpikingLinear.builder()
                    .setUnits(64)
                    .setNeuron(ElasticBiSpikingNeuron.builder().setTimeSteps(4).build())
                    .build();
            layer.initialize(manager, DataType.FLOAT32, new Shape(4, 8, 32));

            NDArray x = TimeAxis.repeat(manager.randomNormal(new Shape(8, 32)), 4); // [T, tokens, in]
            try (SpikeMonitor monitor = SpikeMonitor.attach(layer)) {
                NDArray y = layer.forward(new ParameterStore(manager, false), new NDList(x), false)
                        .singletonOrThrow();                                    // [4, 8, 64], calibrates α
                NDArray out = TimeAxis.mean(y);                                 // [8, 64]
                EnergyEstimate energy = EnergyModel.DEFAULT.estimate(monitor.snapshot());
                System.out.println(energy);
                // --- end README example ---
                assertEquals(new Shape(8, 64), out.getShape());
                assertEquals(8L * 32 * 64, energy.annMacs());
                assertTrue(energy.synapticOps() > 0 && energy.synapticOps() < 4L * 8 * 32 * 64);
                assertTrue(energy.spikingJoules() < energy.annJoules() * 4);
            }
        }
    }

    @Test
    void readmeShowsExactlyThisExample() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## `djl-spike-ops`");
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        String block = readme.substring(start, readme.indexOf("```", start));
        String source =
                Files.readString(
                        Path.of("src/test/java/ai/spikelm/ops/ReadmeExampleTest.java"),
                        StandardCharsets.UTF_8);
        String example =
                source.substring(
                        source.indexOf("// --- begin README example ---") + 31,
                        source.indexOf("// --- end README example ---"));
        List<String> expected = new java.util.ArrayList<>(normalize(example));
        expected.addAll(List.of("}", "}")); // the README closes the two try blocks
        assertEquals(expected, normalize(block));
    }

    /** Compares code without indentation and blank lines. */
    private static List<String> normalize(String code) {
        return Arrays.stream(code.split("\n"))
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .collect(Collectors.toList());
    }
}
