package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TestModels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tiny SpikeLM-BART for tests: vocab 60, d_model 16, 2 + 2 layers, 2 encoder and 4 decoder heads,
 * FFN 32 / 24, 32 positions, pad 1, bos 0, eos 2, decoder start 2.
 */
final class TinyBart {

    static final int VOCAB = 60;
    static final int POSITIONS = 32;

    static final long[][] SOURCE = {{0, 17, 5, 33, 8, 41, 2}, {0, 31, 9, 58, 22, 22, 2}};
    static final long[][] TARGET = {{2, 0, 12, 44, 7}, {2, 0, 3, 3, 50}};

    private TinyBart() {}

    static SpikeBartConfig config(SpikingConfig spiking) {
        return SpikeBartConfig.builder()
                .optVocabSize(VOCAB)
                .optMaxPositionEmbeddings(POSITIONS)
                .optDModel(16)
                .optLayers(2, 2)
                .optAttentionHeads(2, 4)
                .optFfnDims(32, 24)
                .optSpiking(spiking)
                .build();
    }

    static SpikeBartForConditionalGeneration model(NDManager manager, SpikeBartConfig config, long seed) {
        SpikeBartForConditionalGeneration model = new SpikeBartForConditionalGeneration(config);
        model.initialize(manager);
        randomize(model, seed);
        return model;
    }

    static SpikeBartForConditionalGeneration model(NDManager manager, SpikingConfig spiking, long seed) {
        return model(manager, config(spiking), seed);
    }

    /** Gives every parameter random values of a useful size (LayerNorm weights around 1). */
    static void randomize(Block model, long seed) {
        TestModels.randomize(model, seed, n -> n.matches(".*(layer_norm|layernorm_embedding)\\.weight"));
    }

    /** The model's Hugging Face tensors as plain float arrays (SpikeLM state left out). */
    static Map<String, float[]> floats(SpikeBartPreTrainedModel model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        model.exportWeights().forEach((name, t) -> {
            if (!name.endsWith(".alpha") && !name.endsWith(".calibrated")) {
                out.put(name, t.toFloatArray());
            }
        });
        return out;
    }

    static NDList run(Block model, NDManager manager, NDList inputs) {
        return TestModels.run(model, manager, inputs);
    }

    /** Logits [B, L, V] of a full forward pass. */
    static NDArray logits(Block model, NDManager manager, long[][] source, long[][] target) {
        return run(model, manager, new NDList(manager.create(source), manager.create(target))).get(0);
    }
}
