package ai.spikelm.zoo.training;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Masked-language-model corruption as in BERT and Hugging Face's {@code
 * DataCollatorForLanguageModeling}: every real, non-special token is selected with probability
 * 0.15; a selected token becomes {@code [MASK]} with probability 0.8, a random token with
 * probability 0.1 and stays as it is otherwise. Labels hold the original id at selected positions
 * and {@link Losses#IGNORE_INDEX} everywhere else.
 *
 * <p>Padding (attention mask 0) and the special tokens are never selected; random replacements
 * are drawn uniformly from the vocabulary without the special tokens. All draws come from the
 * {@link Random} passed in, position by position in row-major order, so a seed fixes the result.
 *
 * <pre>{@code
 * MlmMasker masker = MlmMasker.builder()
 *         .setVocabSize(30522)
 *         .setMaskTokenId(103)                                // bert-base-uncased [MASK]
 *         .optSpecialTokenIds(List.of(0L, 100L, 101L, 102L, 103L))
 *         .build();
 * MlmMasker.Masked masked = masker.mask(ids, attentionMask, new Random(seed));
 * }</pre>
 */
public final class MlmMasker {

    private final int vocabSize;
    private final long maskTokenId;
    private final Set<Long> special;
    private final long[] replacements; // the non-special ids, the first replacementCount entries
    private final int replacementCount;
    private final double selectProbability;
    private final double maskProbability;
    private final double randomProbability;

    private MlmMasker(Builder b) {
        this.vocabSize = b.vocabSize;
        this.maskTokenId = b.maskTokenId;
        this.special = new HashSet<>(b.special);
        this.special.add(b.maskTokenId);
        this.selectProbability = b.selectProbability;
        this.maskProbability = b.maskProbability;
        this.randomProbability = b.randomProbability;
        this.replacements = new long[vocabSize];
        int n = 0;
        for (long id = 0; id < vocabSize; id++) {
            if (!special.contains(id)) {
                replacements[n++] = id;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("Every token of the vocabulary is special; nothing to draw");
        }
        replacementCount = n;
    }

    /**
     * Corrupts a batch of token ids.
     *
     * @param inputIds {@code [B][L]} token ids (not modified)
     * @param attentionMask {@code [B][L]}, 1 for real tokens; {@code null} treats every position as
     *     real
     * @param random the source of every draw
     * @return the corrupted ids and the labels
     * @throws IllegalArgumentException if an id is outside the vocabulary or the mask does not fit
     */
    public Masked mask(long[][] inputIds, long[][] attentionMask, Random random) {
        long[][] ids = new long[inputIds.length][];
        long[][] labels = new long[inputIds.length][];
        for (int b = 0; b < inputIds.length; b++) {
            long[] row = inputIds[b];
            if (attentionMask != null && attentionMask[b].length != row.length) {
                throw new IllegalArgumentException("attention mask row " + b + " has a different length");
            }
            ids[b] = row.clone();
            labels[b] = new long[row.length];
            Arrays.fill(labels[b], Losses.IGNORE_INDEX);
            for (int l = 0; l < row.length; l++) {
                long id = row[l];
                if (id < 0 || id >= vocabSize) {
                    throw new IllegalArgumentException("token id " + id + " at [" + b + ", " + l + "] is outside the vocabulary");
                }
                boolean real = attentionMask == null || attentionMask[b][l] != 0;
                if (!real || special.contains(id) || random.nextDouble() >= selectProbability) {
                    continue;
                }
                labels[b][l] = id;
                double r = random.nextDouble();
                if (r < maskProbability) {
                    ids[b][l] = maskTokenId;
                } else if (r < maskProbability + randomProbability) {
                    ids[b][l] = replacements[random.nextInt(replacementCount)];
                }
            }
        }
        return new Masked(ids, labels);
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A corrupted batch.
     *
     * @param inputIds the ids the model sees
     * @param labels the original ids at selected positions, {@link Losses#IGNORE_INDEX} elsewhere
     */
    public record Masked(long[][] inputIds, long[][] labels) {

        /**
         * Returns the number of selected positions.
         *
         * @return how many labels are not ignored
         */
        public long selectedCount() {
            long n = 0;
            for (long[] row : labels) {
                for (long v : row) {
                    n += v == Losses.IGNORE_INDEX ? 0 : 1;
                }
            }
            return n;
        }
    }

    /** Builds an {@link MlmMasker}. */
    public static final class Builder {
        private int vocabSize;
        private long maskTokenId = -1;
        private Set<Long> special = Set.of();
        private double selectProbability = 0.15;
        private double maskProbability = 0.8;
        private double randomProbability = 0.1;

        Builder() {}

        /**
         * Sets the vocabulary size (required).
         *
         * @param vocabSize the number of token ids
         * @return this builder
         */
        public Builder setVocabSize(int vocabSize) {
            if (vocabSize < 2) {
                throw new IllegalArgumentException("vocabulary size must be at least 2, got " + vocabSize);
            }
            this.vocabSize = vocabSize;
            return this;
        }

        /**
         * Sets the id of {@code [MASK]} (required); it is never selected itself.
         *
         * @param id the mask token id
         * @return this builder
         */
        public Builder setMaskTokenId(long id) {
            this.maskTokenId = id;
            return this;
        }

        /**
         * Sets the ids that are never selected nor drawn as replacements ({@code [CLS]}, {@code
         * [SEP]}, {@code [PAD]}, {@code [UNK]}, ...).
         *
         * @param ids the special token ids
         * @return this builder
         */
        public Builder optSpecialTokenIds(Collection<Long> ids) {
            this.special = Set.copyOf(Objects.requireNonNull(ids, "ids"));
            return this;
        }

        /**
         * Sets the probability that a token is selected (default 0.15).
         *
         * @param p in (0, 1]
         * @return this builder
         */
        public Builder optSelectProbability(double p) {
            this.selectProbability = probability(p, "selection");
            return this;
        }

        /**
         * Sets the shares of selected tokens that become {@code [MASK]} (default 0.8) and a random
         * token (default 0.1); the rest stay unchanged.
         *
         * @param mask the share replaced by {@code [MASK]}
         * @param random the share replaced by a random token
         * @return this builder
         */
        public Builder optReplacement(double mask, double random) {
            probability(mask, "mask share");
            probability(random, "random share");
            if (mask + random > 1.0) {
                throw new IllegalArgumentException("mask + random shares exceed 1: " + (mask + random));
            }
            this.maskProbability = mask;
            this.randomProbability = random;
            return this;
        }

        private static double probability(double p, String what) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("The " + what + " must be in [0, 1], got " + p);
            }
            return p;
        }

        /**
         * Builds the masker.
         *
         * @return the masker
         * @throws IllegalArgumentException if the vocabulary size or mask id is missing or invalid
         */
        public MlmMasker build() {
            if (vocabSize == 0) {
                throw new IllegalArgumentException("MlmMasker needs setVocabSize(...)");
            }
            if (maskTokenId < 0 || maskTokenId >= vocabSize) {
                throw new IllegalArgumentException(
                        "MlmMasker needs setMaskTokenId(...) inside the vocabulary, got " + maskTokenId);
            }
            return new MlmMasker(this);
        }
    }
}
