package ai.spikelm.zoo.text;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertModel;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A random encoder with BERT's WordPiece vocabulary and tiny layers (hidden 16, 2 layers, 4 heads,
 * 64 positions), so that the real all-MiniLM-L6-v2 tokenizer fits it, for tests of the text
 * pipeline.
 */
public final class TinyWordPieceEncoder {

    /** The positions of the tiny encoder. */
    public static final int POSITIONS = 64;

    private TinyWordPieceEncoder() {}

    /**
     * Creates the encoder with seeded random weights.
     *
     * @param manager the manager of its parameters
     * @param spiking the SpikeLM settings (spike sites left uncalibrated)
     * @param seed the seed of the weights
     * @return the encoder
     */
    public static SpikeBertModel create(NDManager manager, SpikingConfig spiking, long seed) {
        SpikeBertConfig config =
                SpikeBertConfig.builder()
                        .optVocabSize(30522)
                        .optHiddenSize(16)
                        .optNumHiddenLayers(2)
                        .optNumAttentionHeads(4)
                        .optIntermediateSize(32)
                        .optMaxPositionEmbeddings(POSITIONS)
                        .optSpiking(spiking)
                        .build();
        SpikeBertModel model = new SpikeBertModel(config);
        model.initialize(manager);
        TestModels.randomize(model, seed, n -> n.endsWith("LayerNorm.weight"));
        return model;
    }

    /**
     * Copies the all-MiniLM-L6-v2 {@code tokenizer.json} (a test resource) to a file.
     *
     * @param target the file to write
     * @return {@code target}
     * @throws IOException if it cannot be written
     */
    public static Path tokenizer(Path target) throws IOException {
        try (InputStream in = TinyWordPieceEncoder.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            if (in == null) {
                throw new IOException("the all-MiniLM-L6-v2 tokenizer is not on the test class path");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
