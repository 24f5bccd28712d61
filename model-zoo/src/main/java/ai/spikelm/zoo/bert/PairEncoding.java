package ai.spikelm.zoo.bert;

import java.util.Locale;

/**
 * How a sequence classifier reads a sentence pair ({@code pair_encoding} in {@code config.json}).
 */
public enum PairEncoding {
    /**
     * BERT's cross-encoder: one sequence {@code [CLS] a [SEP] b [SEP]}, the two sentences attending
     * to each other; the head reads the pooled sequence. Single sentences are read the same way.
     */
    CROSS,
    /**
     * A bi-encoder (Sentence-BERT): each sentence encoded on its own as {@code [CLS] s [SEP]}, the
     * batch holding every first sentence and then every second sentence; the head reads the two
     * pooled vectors u and v (no pooler): for classification a linear layer on {@code [u, v, |u −
     * v|, u ∗ v]}, for regression an affine map of their cosine similarity. It keeps the sentence
     * geometry a distilled encoder learned, so that a spiking student starts from its zero-shot
     * similarity instead of from a head trained for another encoder.
     */
    SIAMESE;

    /**
     * Parses {@code cross} or {@code siamese}.
     *
     * @param name the name, case-insensitive
     * @return the encoding
     * @throws IllegalArgumentException for another name
     */
    public static PairEncoding of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown pair encoding '" + name + "'; use cross or siamese", e);
        }
    }

    /**
     * Returns the name as written in {@code config.json}.
     *
     * @return {@code cross} or {@code siamese}
     */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
