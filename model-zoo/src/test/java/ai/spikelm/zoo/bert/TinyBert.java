package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TestModels;

/** A tiny SpikeLM-BERT and a padded batch for tests. */
final class TinyBert {

    static final long[][] IDS = {{2, 17, 5, 33, 8}, {2, 9, 31, 0, 0}, {2, 0, 0, 0, 0}};
    static final long[][] MASK = {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}, {1, 0, 0, 0, 0}};
    static final long[][] TYPES = {{0, 0, 0, 1, 1}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}};

    private TinyBert() {}

    static SpikeBertConfig config(SpikingConfig spiking) {
        return SpikeBertConfig.builder()
                .optVocabSize(40)
                .optHiddenSize(16)
                .optNumHiddenLayers(2)
                .optNumAttentionHeads(4)
                .optIntermediateSize(32)
                .optMaxPositionEmbeddings(16)
                .optSpiking(spiking)
                .build();
    }

    /** Gives every parameter random values of a useful size (LayerNorm weights around 1). */
    static void randomize(Block model, long seed) {
        TestModels.randomize(model, seed, n -> n.endsWith("LayerNorm.weight"));
    }

    static NDList batch(NDManager manager) {
        return new NDList(manager.create(IDS), manager.create(MASK), manager.create(TYPES));
    }

    static NDList run(Block model, NDManager manager, NDList inputs) {
        return TestModels.run(model, manager, inputs);
    }

    static NDArray hidden(Block model, NDManager manager) {
        return run(model, manager, batch(manager)).get(0);
    }
}
