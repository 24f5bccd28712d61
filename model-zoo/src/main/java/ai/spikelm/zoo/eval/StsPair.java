package ai.spikelm.zoo.eval;

import java.util.Objects;

/**
 * One sentence pair of a semantic textual similarity (STS) set with its gold similarity.
 *
 * @param sentence1 the first sentence
 * @param sentence2 the second sentence
 * @param score the gold similarity (STS-B: 0 to 5)
 */
public record StsPair(String sentence1, String sentence2, double score) {

    /**
     * Checks the pair.
     *
     * @param sentence1 the first sentence, not blank
     * @param sentence2 the second sentence, not blank
     * @param score the gold similarity, finite
     * @throws IllegalArgumentException if a sentence is blank or the score is not finite
     */
    public StsPair {
        Objects.requireNonNull(sentence1, "sentence1");
        Objects.requireNonNull(sentence2, "sentence2");
        if (sentence1.isBlank() || sentence2.isBlank()) {
            throw new IllegalArgumentException("an STS pair needs two non-blank sentences");
        }
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("the gold score must be finite, got " + score);
        }
    }
}
