package ai.spikelm.server;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.gpt2.Gpt2TokenizerJson;
import ai.spikelm.zoo.gpt2.SpikeGpt2Config;
import ai.spikelm.zoo.gpt2.SpikeGpt2LMHeadModel;
import ai.spikelm.zoo.gpt2.SpikeGpt2Loader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Model folders for the server tests: a small random byte-level SpikeLM GPT-2 (the encoder is the embedded MiniLM). */
final class TestModels {

    /** The GPT-2's context window. */
    static final int CONTEXT = 512;

    private TestModels() {}

    /**
     * Writes a small random ANN GPT-2 whose tokens are bytes, with no end-of-text token, so that
     * replies run to their length. Its weights are random and large enough that greedy text depends
     * on the prompt.
     */
    static Path tinyGpt2(Path parent, long seed) throws IOException {
        Path dir = parent.resolve("tiny-gpt2-" + seed);
        Files.createDirectories(dir);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(Gpt2TokenizerJson.byteSymbol(b)), b);
        }
        vocab.put(Gpt2TokenizerJson.END_OF_TEXT, 256);
        Files.writeString(dir.resolve("tokenizer.json"),
                Gpt2TokenizerJson.convert(vocab, List.of(), List.of(Gpt2TokenizerJson.END_OF_TEXT)));
        SpikeGpt2Config config = SpikeGpt2Config.builder()
                .optVocabSize(257).optNPositions(CONTEXT).optNEmbd(32).optNLayer(1).optNHead(2)
                .optBosTokenId(null).optEosTokenId(null).optDropout(0f).optSpiking(SpikingConfig.ANN)
                .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            SpikeGpt2LMHeadModel model = new SpikeGpt2LMHeadModel(config);
            model.initialize(manager);
            Random random = new Random(seed);
            for (Map.Entry<String, Parameter> e : HfWeights.parameters(model).entrySet()) {
                if (e.getKey().endsWith(".alpha") || e.getKey().endsWith(".calibrated")) {
                    continue;
                }
                boolean gain = e.getKey().matches(".*ln_(1|2|f)\\.weight");
                float[] values = new float[Math.toIntExact(e.getValue().getArray().size())];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * (gain ? 0.1 : 0.4)) + (gain ? 1f : 0f);
                }
                e.getValue().getArray().set(values);
            }
            SpikeGpt2Loader.save(model, dir);
        }
        return dir;
    }
}
