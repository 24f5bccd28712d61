package ai.spikelm.zoo.training;

import ai.spikelm.zoo.core.EncodedBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A tokenized text cut into fixed-length windows, for language-model training and evaluation:
 * every window is full (no padding), so every position but the last predicts a real next token.
 */
public final class TokenWindows {

    private final long[] tokens;
    private final int length;

    /**
     * Creates windows of {@code length} tokens over a token stream.
     *
     * @param tokens the whole text's tokens
     * @param length tokens per window, at least 2 (one to read, one to predict)
     * @throws IllegalArgumentException if the length is below 2 or the text is shorter than a window
     */
    public TokenWindows(long[] tokens, int length) {
        if (length < 2) {
            throw new IllegalArgumentException("window length must be at least 2, got " + length);
        }
        if (tokens.length < length) {
            throw new IllegalArgumentException(
                    "the text has " + tokens.length + " tokens, fewer than one window of " + length);
        }
        this.tokens = tokens;
        this.length = length;
    }

    /**
     * Returns the window length.
     *
     * @return tokens per window
     */
    public int length() {
        return length;
    }

    /**
     * Returns the number of tokens in the text.
     *
     * @return the token count
     */
    public int tokenCount() {
        return tokens.length;
    }

    /**
     * Returns the non-overlapping windows from the start (a trailing remainder shorter than a
     * window is dropped), at most {@code max} of them, for evaluation.
     *
     * @param batchSize windows per batch
     * @param max the most windows to take
     * @return the batches
     */
    public List<TrainingBatch> consecutive(int batchSize, int max) {
        requirePositive(batchSize, "batch size");
        int count = Math.min(max, tokens.length / length);
        List<TrainingBatch> batches = new ArrayList<>();
        for (int first = 0; first < count; first += batchSize) {
            int n = Math.min(batchSize, count - first);
            int[] offsets = new int[n];
            for (int i = 0; i < n; i++) {
                offsets[i] = (first + i) * length;
            }
            batches.add(batch(offsets));
        }
        return batches;
    }

    /**
     * Returns a training source whose epochs are {@code batchesPerEpoch} batches of windows at
     * random offsets, drawn from the epoch's seeded random source (so an epoch replays exactly).
     *
     * @param batchSize windows per batch
     * @param batchesPerEpoch batches per epoch
     * @return the source
     */
    public BatchSource randomBatches(int batchSize, int batchesPerEpoch) {
        requirePositive(batchSize, "batch size");
        requirePositive(batchesPerEpoch, "batches per epoch");
        int starts = tokens.length - length + 1;
        return new BatchSource() {
            @Override
            public Iterable<TrainingBatch> epoch(int epoch, Random random) {
                List<int[]> offsets = new ArrayList<>(batchesPerEpoch);
                for (int b = 0; b < batchesPerEpoch; b++) {
                    int[] o = new int[batchSize];
                    for (int i = 0; i < batchSize; i++) {
                        o[i] = random.nextInt(starts);
                    }
                    offsets.add(o);
                }
                // Collated lazily: a batch's arrays exist only while it trains.
                return () -> offsets.stream().map(TokenWindows.this::batch).iterator();
            }

            @Override
            public int batchesPerEpoch() {
                return batchesPerEpoch;
            }
        };
    }

    private TrainingBatch batch(int[] offsets) {
        long[][] ids = new long[offsets.length][];
        long[][] mask = new long[offsets.length][length];
        long[][] types = new long[offsets.length][length];
        for (int i = 0; i < offsets.length; i++) {
            ids[i] = Arrays.copyOfRange(tokens, offsets[i], offsets[i] + length);
            Arrays.fill(mask[i], 1L);
        }
        return TrainingBatch.unlabelled(new EncodedBatch(ids, mask, types));
    }

    private static void requirePositive(int value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }
}
