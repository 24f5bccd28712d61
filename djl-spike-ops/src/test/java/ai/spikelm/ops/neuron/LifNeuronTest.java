package ai.spikelm.ops.neuron;

import static ai.spikelm.ops.neuron.NeuronFixture.forward;
import static ai.spikelm.ops.neuron.NeuronFixture.initialize;
import static ai.spikelm.ops.neuron.NeuronFixture.row;
import static ai.spikelm.ops.neuron.NeuronFixture.steps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class LifNeuronTest {

    /**
     * θ = 1, β = 0.5. Column A, x = [0.6, 0.6, 0.6, 1.2]: u = 0.6 → 0; 0.9 → 0; 1.05 → 1 (reset);
     * 1.2 → 1. Column B, x = [1, 0.4, 0.9, 0]: u = 1 fires at the threshold (≥); reset so u = 0.4 →
     * 0; u = 0.2 + 0.9 = 1.1 → 1; u = 0 → 0.
     */
    @Test
    void handComputedBinarySpikes() {
        float[][] x = {{0.6f, 1f}, {0.6f, 0.4f}, {0.6f, 0.9f}, {1.2f, 0f}};
        float[][] want = {{0f, 1f}, {0f, 0f}, {1f, 1f}, {1f, 0f}};
        try (NDManager manager = NDManager.newBaseManager()) {
            LifNeuron neuron = LifNeuron.builder().setTimeSteps(4).build();
            initialize(neuron, manager, new Shape(4, 2));
            NDArray out = forward(neuron, manager, steps(manager, x), false);
            for (int t = 0; t < 4; t++) {
                assertArrayEquals(want[t], row(out, t), 0f, "step " + t);
            }
        }
    }

    @Test
    void sigmoidSurrogateGradient() {
        float slope = 4f;
        float threshold = 0.5f;
        float[] u = {-1f, 0.2f, 0.5f, 0.7f, 3f};
        try (NDManager manager = NDManager.newBaseManager()) {
            LifNeuron neuron =
                    LifNeuron.builder()
                            .setTimeSteps(1)
                            .optThreshold(threshold)
                            .optSurrogateSlope(slope)
                            .build();
            initialize(neuron, manager, new Shape(1, u.length));
            NDArray x = manager.create(u).reshape(1, u.length);
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(forward(neuron, manager, x, true).sum());
            }
            float[] grad = x.getGradient().toFloatArray();
            for (int i = 0; i < u.length; i++) {
                double sigma = 1 / (1 + Math.exp(-slope * (u[i] - threshold)));
                assertEquals(slope * sigma * (1 - sigma), grad[i], 1e-6, "u=" + u[i]);
            }
        }
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LifNeuron.builder().setTimeSteps(-1));
        assertThrows(IllegalArgumentException.class, () -> LifNeuron.builder().optThreshold(0f));
        assertThrows(IllegalArgumentException.class, () -> LifNeuron.builder().optSurrogateSlope(-1f));
        assertThrows(IllegalArgumentException.class, () -> LifNeuron.builder().build());
        try (NDManager manager = NDManager.newBaseManager()) {
            LifNeuron neuron = LifNeuron.builder().setTimeSteps(2).build();
            initialize(neuron, manager, new Shape(2, 2));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> forward(neuron, manager, manager.ones(new Shape(3, 2)), false));
        }
    }
}
