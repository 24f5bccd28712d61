package ai.spikelm.zoo.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TestModels;

/** A tiny SpikeLM-GPT-2 (vocab 60, n_embd 16, 2 layers, 2 heads, context 32) for tests. */
final class TinyGpt2 {

    static final int VOCAB = 60;
    static final int CONTEXT = 32;
    static final int EOS = 59;

    static final long[][] IDS = {{3, 17, 5, 33, 8, 41, 12}, {9, 31, 0, 58, 22, 22, 7}};

    private TinyGpt2() {}

    static SpikeGpt2Config config(SpikingConfig spiking) {
        return SpikeGpt2Config.builder()
                .optVocabSize(VOCAB)
                .optNPositions(CONTEXT)
                .optNEmbd(16)
                .optNLayer(2)
                .optNHead(2)
                .optBosTokenId(EOS)
                .optEosTokenId(EOS)
                .optSpiking(spiking)
                .build();
    }

    static SpikeGpt2LMHeadModel model(NDManager manager, SpikingConfig spiking, long seed) {
        SpikeGpt2LMHeadModel model = new SpikeGpt2LMHeadModel(config(spiking));
        model.initialize(manager);
        randomize(model, seed);
        return model;
    }

    /** Gives every parameter random values of a useful size (LayerNorm weights around 1). */
    static void randomize(Block model, long seed) {
        TestModels.randomize(model, seed, n -> n.matches(".*ln_(1|2|f)\\.weight"));
    }

    /** Sets every spike site's amplitudes to fixed values drawn from [0.6, 1.4) (marks them calibrated). */
    static void fixAmplitudes(Block model, long seed) {
        TestModels.fixAmplitudes(model, seed);
    }

    static NDList run(Block model, NDManager manager, NDList inputs) {
        return TestModels.run(model, manager, inputs);
    }

    static NDArray logits(Block model, NDManager manager, long[][] ids) {
        return run(model, manager, new NDList(manager.create(ids))).singletonOrThrow();
    }
}
