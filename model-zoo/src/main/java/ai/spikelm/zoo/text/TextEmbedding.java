package ai.spikelm.zoo.text;

/**
 * The embedding of one text and what it cost in tokens.
 *
 * @param vector the sentence vector
 * @param tokens the real tokens the encoder read for it (special tokens included, padding not;
 *     summed over windows)
 */
public record TextEmbedding(float[] vector, int tokens) {}
