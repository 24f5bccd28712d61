package ai.spikelm.ops.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.neuron.ElasticBiSpikingNeuron;
import ai.spikelm.ops.neuron.LifNeuron;
import ai.spikelm.ops.stats.SiteStatistics;
import ai.spikelm.ops.stats.SpikeMonitor;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpikingLinearTest {

    private static final float[] W = {0.5f, -1f, 2f, 1.5f, 0.25f, -0.75f}; // [out=2, in=3]
    private static final float[] B = {0.1f, -0.2f};

    private static SpikingLinear layer(NDManager manager, Block neuron, Shape inputShape) {
        SpikingLinear linear = SpikingLinear.builder().setUnits(2).setNeuron(neuron).build();
        linear.initialize(manager, DataType.FLOAT32, inputShape);
        linear.getParameters().get(SpikingLinear.WEIGHT).getArray().set(W);
        linear.getParameters().get(SpikingLinear.BIAS).getArray().set(B);
        return linear;
    }

    private static NDArray run(Block block, NDManager manager, NDArray x) {
        return block.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
    }

    /** y = W·s + b by hand, row by row. */
    private static float[] affine(float[] s) {
        return new float[] {
            W[0] * s[0] + W[1] * s[1] + W[2] * s[2] + B[0], W[3] * s[0] + W[4] * s[1] + W[5] * s[2] + B[1]
        };
    }

    @Test
    void appliesFullPrecisionWeightsToSpikesWithBiasEveryStep() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ElasticBiSpikingNeuron neuron = ElasticBiSpikingNeuron.builder().setTimeSteps(2).build();
            SpikingLinear linear = layer(manager, neuron, new Shape(2, 1, 3));
            neuron.setAmplitudes(new float[] {1f, 2f});
            // t0: u = [0.9, −0.2, −3] → s = [1, 0, −1], o = [1, 0, −1].
            // t1 (REFERENCE): u = 0.25·u0·(1 − o0) + x1 = [0, −0.05, −1.5] + [0, 0, 0] → v = [0, −0.025, −0.75] → o = [0, 0, −2].
            NDArray x = manager.create(new float[] {0.9f, -0.2f, -3f, 0f, 0f, 0f}, new Shape(2, 1, 3));
            NDArray y = run(linear, manager, x);
            assertEquals(new Shape(2, 1, 2), y.getShape());
            assertArrayEquals(affine(new float[] {1f, 0f, -1f}), y.get(0).toFloatArray(), 1e-6f);
            assertArrayEquals(affine(new float[] {0f, 0f, -2f}), y.get(1).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void identityNeuronMakesAPlainLinearLayer() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikingLinear linear = layer(manager, Blocks.identityBlock(), new Shape(1, 3));
            float[] x = {0.3f, -1.7f, 2.2f};
            NDArray y = run(linear, manager, manager.create(x, new Shape(1, 3)));
            assertArrayEquals(affine(x), y.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void monitorCountsSynapticOperationsFromTheSpikesActuallyEmitted() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            ElasticBiSpikingNeuron neuron = ElasticBiSpikingNeuron.builder().setTimeSteps(4).build();
            SpikingLinear linear = layer(manager, neuron, new Shape(4, 8, 3));
            NDArray x = manager.randomNormal(new Shape(4, 8, 3));
            try (SpikeMonitor monitor = SpikeMonitor.attach(linear)) {
                run(linear, manager, x);
                List<SiteStatistics> sites = monitor.snapshot();
                SiteStatistics layerSite = find(sites, "root");
                SiteStatistics neuronSite = find(sites, "neuron");

                NDArray spikes = run(neuron, manager, x); // same α, same spikes
                long nonZero = spikes.neq(0f).toType(DataType.INT64, false).sum().getLong();
                assertEquals(8L * 3 * 2, layerSite.macs(), "ANN MACs: 8 tokens × 3 in × 2 out");
                assertEquals(nonZero * 2, layerSite.synapticOps(), "one accumulate per spike per output");
                assertEquals(4, neuronSite.timeSteps());
                assertEquals(nonZero / (4.0 * 8 * 3), neuronSite.firingRate(), 1e-12);
                long[] perStep = neuronSite.nonZeroPerStep();
                for (int t = 0; t < 4; t++) {
                    long want = spikes.get(t).neq(0f).toType(DataType.INT64, false).sum().getLong();
                    assertEquals(want, perStep[t], "step " + t);
                }
            }
            // Detached: nothing more is recorded by the closed monitor's sites.
            SpikeMonitor other = new SpikeMonitor();
            run(linear, manager, x);
            assertTrue(other.snapshot().isEmpty());
        }
    }

    @Test
    void lifNeuronMakesTheLifBaselineLayer() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikingLinear linear =
                    layer(manager, LifNeuron.builder().setTimeSteps(1).build(), new Shape(1, 1, 3));
            NDArray y = run(linear, manager, manager.create(new float[] {1.2f, 0.4f, 1f}, new Shape(1, 1, 3)));
            assertArrayEquals(affine(new float[] {1f, 0f, 1f}), y.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void wrongInputWidthIsAClearError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikingLinear linear = layer(manager, Blocks.identityBlock(), new Shape(1, 3));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> run(linear, manager, manager.ones(new Shape(1, 4))));
            assertTrue(e.getMessage().contains("3 input features"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> SpikingLinear.builder().setUnits(2).build());
        assertThrows(IllegalArgumentException.class, () -> SpikingLinear.builder().setUnits(0));
    }

    private static SiteStatistics find(List<SiteStatistics> sites, String name) {
        return sites.stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no site " + name + " in " + sites));
    }
}
