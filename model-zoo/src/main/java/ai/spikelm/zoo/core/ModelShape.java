package ai.spikelm.zoo.core;

/**
 * The sizes of a transformer language model that matter outside its family: what a new model is
 * created with ({@link ai.spikelm.zoo.family.ModelFamily#create}) and what reports print.
 *
 * @param vocabSize the vocabulary size
 * @param maxPositions the most token positions a sequence may have (for an encoder-decoder, each side)
 * @param hiddenSize the width of the hidden states
 * @param layers the number of transformer layers (encoder and decoder together for an encoder-decoder)
 * @param heads the attention heads per layer
 */
public record ModelShape(int vocabSize, int maxPositions, int hiddenSize, int layers, int heads) {

    /**
     * Checks the sizes.
     *
     * @param vocabSize the vocabulary size
     * @param maxPositions the most token positions a sequence may have
     * @param hiddenSize the width of the hidden states
     * @param layers the number of transformer layers
     * @param heads the attention heads per layer
     * @throws IllegalArgumentException naming the first size below 1, or a width the heads do not divide
     */
    public ModelShape {
        check("vocabSize", vocabSize);
        check("maxPositions", maxPositions);
        check("hiddenSize", hiddenSize);
        check("layers", layers);
        check("heads", heads);
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("hiddenSize " + hiddenSize + " is not a multiple of heads " + heads);
        }
    }

    private static void check(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
