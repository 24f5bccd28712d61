package ai.spikelm.ops.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.spikelm.ops.nn.SpikingLinear;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** α through a real DJL training loop: frozen stays put, learnable moves. */
class AmplitudeTrainingTest {

    private static float[][] train(boolean learnable) {
        ElasticBiSpikingNeuron neuron =
                ElasticBiSpikingNeuron.builder().setTimeSteps(2).optLearnableAmplitude(learnable).build();
        SpikingLinear layer = SpikingLinear.builder().setUnits(4).setNeuron(neuron).build();
        try (Model model = Model.newInstance("amplitude-" + learnable)) {
            model.setBlock(layer);
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.l2Loss())
                            .optOptimizer(
                                    Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.5f)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                Shape shape = new Shape(2, 16, 8);
                trainer.initialize(shape);
                NDManager manager = trainer.getManager();
                manager.getEngine().setRandomSeed(42);
                NDArray x = manager.randomNormal(shape);
                NDArray target = manager.randomNormal(new Shape(2, 16, 4));
                float[] calibrated = null;
                float[] weightBefore = null;
                for (int step = 0; step < 5; step++) {
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray y = trainer.forward(new NDList(x)).singletonOrThrow();
                        if (calibrated == null) {
                            calibrated = neuron.getAmplitudes();
                            weightBefore = layer.getParameters().get("weight").getArray().toFloatArray();
                        }
                        collector.backward(y.sub(target).square().mean());
                    }
                    trainer.step();
                }
                return new float[][] {
                    calibrated,
                    neuron.getAmplitudes(),
                    weightBefore,
                    layer.getParameters().get("weight").getArray().toFloatArray()
                };
            }
        }
    }

    @Test
    void frozenAmplitudeDoesNotChangeUnderTraining() {
        float[][] r = train(false);
        assertArrayEquals(r[0], r[1], 0f, "α must stay at its calibrated value");
        assertFalse(Arrays.equals(r[2], r[3]), "the weights did train");
    }

    @Test
    void learnableAmplitudeMovesUnderTraining() {
        float[][] r = train(true);
        assertFalse(Arrays.equals(r[0], r[1]), "α should receive the LSQ gradient and move");
        for (float a : r[1]) {
            assertTrue(a > 0f, "α stays positive here: " + a);
        }
    }
}
