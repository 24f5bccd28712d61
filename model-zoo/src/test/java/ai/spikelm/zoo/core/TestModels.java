package ai.spikelm.zoo.core;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Test helpers every model family's tiny test model uses ({@code TinyBert}, {@code TinyGpt2},
 * {@code TinyBart}): seeded random weights, fixed spike amplitudes and an inference forward pass.
 * The families differ only in how their LayerNorm weights are named, which callers pass in.
 */
public final class TestModels {

    private TestModels() {}

    /**
     * Gives every parameter seeded random values of a useful size: N(0, 0.4²), and N(1, 0.1²) for
     * LayerNorm weights so that activations neither vanish nor explode. Spike amplitudes ({@code
     * .alpha}) are left alone so that spiking sites still calibrate, or keep what a test fixed.
     *
     * @param model an initialised model
     * @param seed the random seed
     * @param layerNormWeight which Hugging Face parameter names are LayerNorm weights (γ)
     */
    public static void randomize(Block model, long seed, Predicate<String> layerNormWeight) {
        Random random = new Random(seed);
        for (var entry : HfWeights.parameters(model).entrySet()) {
            Parameter p = entry.getValue();
            if (entry.getKey().endsWith(".alpha")) {
                continue;
            }
            float[] values = new float[Math.toIntExact(p.getArray().size())];
            boolean gamma = layerNormWeight.test(entry.getKey());
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * (gamma ? 0.1 : 0.4)) + (gamma ? 1f : 0f);
            }
            p.getArray().set(values);
        }
    }

    /**
     * Sets every spike site's amplitudes to seeded values from [0.6, 1.4) and so marks them
     * calibrated: tests then compare against references without depending on calibration.
     *
     * @param model an initialised model
     * @param seed the random seed
     */
    public static void fixAmplitudes(Block model, long seed) {
        Random random = new Random(seed);
        for (AbstractElasticSpikingBlock site : HfWeights.spikingSites(model).values()) {
            float[] alpha = new float[site.getTimeSteps()];
            for (int t = 0; t < alpha.length; t++) {
                alpha[t] = 0.6f + 0.8f * random.nextFloat();
            }
            site.setAmplitudes(alpha);
        }
    }

    /**
     * Runs an inference forward pass with a fresh parameter store on {@code manager}.
     *
     * @param model the model
     * @param manager the manager of the pass
     * @param inputs the model inputs
     * @return the outputs
     */
    public static NDList run(Block model, NDManager manager, NDList inputs) {
        return model.forward(new ParameterStore(manager, false), inputs, false);
    }
}
