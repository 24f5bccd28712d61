package ai.spikelm.zoo.corpus;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.training.BatchSource;
import ai.spikelm.zoo.training.Seeds;
import ai.spikelm.zoo.training.TrainingBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Random;

/**
 * Unlabelled token batches from a {@link TextCorpus}, for distillation: one endless, deterministic
 * sequence of batches b0, b1, b2, ... of which epoch e is b(e·n) ... b(e·n + n − 1), n being the
 * batches per epoch.
 *
 * <p>Passages are tokenised lazily, a pool at a time: {@link Builder#optLengthPool} batches' worth
 * of passages are tokenised, sorted by token count, cut into batches and the batches shuffled, so
 * each batch holds passages of similar length and is padded only to its own longest (dynamic
 * padding, little waste), while batch lengths still vary in training order.
 *
 * <p>The trainer's per-epoch {@link Random} is ignored: the stream continues across epochs (a new
 * epoch is new text, not a reshuffle), so its order comes from {@link Builder#optSeed} alone. The
 * source keeps a cursor, so consecutive epochs continue where the last stopped without reading
 * anything again; asked for any other epoch (a resumed run, or an epoch replayed) it restarts the
 * stream and skips to it, which reads and tokenises the skipped batches, so a run resumed late
 * spends some time getting back. Not thread-safe.
 *
 * <pre>{@code
 * HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(json)
 *         .optTruncation(true).optMaxLength(128).optPadding(false).build();
 * BatchSource data = CorpusBatches.builder().setCorpus(corpus).setTokenizer(tokenizer)
 *         .setBatchSize(32).setBatchesPerEpoch(1000).optSeed(42).build();
 * }</pre>
 */
public final class CorpusBatches implements BatchSource {

    /** Seed stream of the batch order within each pool. */
    private static final long POOL_ORDER = 103;

    private final TextCorpus corpus;
    private final HuggingFaceTokenizer tokenizer;
    private final int batchSize;
    private final int batchesPerEpoch;
    private final long seed;
    private final int lengthPool;
    private final long maxBatches;
    private Cursor cursor;

    private CorpusBatches(Builder b) {
        this.corpus = b.corpus;
        this.tokenizer = b.tokenizer;
        this.batchSize = b.batchSize;
        this.batchesPerEpoch = b.batchesPerEpoch;
        this.seed = b.seed;
        this.lengthPool = b.lengthPool;
        this.maxBatches = b.maxBatches;
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
     * Returns batches e·n ... e·n + n − 1 of the stream (fewer, or none, past {@link
     * Builder#optMaxBatches}). Batches are tokenised as the iterator reaches them.
     *
     * @param epoch the epoch, from 0
     * @param random ignored: the order comes from the seed, since the stream continues across epochs
     * @return the epoch's batches
     */
    @Override
    public Iterable<TrainingBatch> epoch(int epoch, Random random) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        long first = (long) epoch * batchesPerEpoch;
        long end = Math.min(first + batchesPerEpoch, maxBatches);
        return () ->
                new Iterator<>() {
                    private long next = first;

                    @Override
                    public boolean hasNext() {
                        return next < end;
                    }

                    @Override
                    public TrainingBatch next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        return batch(next++);
                    }
                };
    }

    /**
     * Returns the batches per epoch.
     *
     * @return n
     */
    @Override
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** Returns batch {@code index} of the stream, moving the cursor there. */
    private TrainingBatch batch(long index) {
        if (cursor == null || cursor.position > index) {
            cursor = new Cursor();
        }
        while (cursor.position < index) {
            cursor.next();
        }
        return cursor.next();
    }

    /** The batch sequence from its start, with its position. */
    private final class Cursor {
        private final Iterator<String> passages = corpus.passages(seed);
        private final ArrayDeque<TrainingBatch> pool = new ArrayDeque<>();
        private long position;
        private long pools;

        TrainingBatch next() {
            if (pool.isEmpty()) {
                fillPool();
            }
            position++;
            return pool.poll();
        }

        private void fillPool() {
            List<String> texts = new ArrayList<>(lengthPool * batchSize);
            for (int i = 0; i < lengthPool * batchSize; i++) {
                texts.add(passages.next());
            }
            Encoding[] encodings = tokenizer.batchEncode(texts);
            for (Encoding e : encodings) {
                long[] mask = e.getAttentionMask();
                if (mask.length > 0 && mask[mask.length - 1] == 0) {
                    throw new IllegalStateException(
                            "The tokenizer pads its output; build it with optPadding(false) so batches pad to their longest");
                }
            }
            // Stable sort: equal lengths keep the stream's order, so the result is deterministic.
            Arrays.sort(encodings, Comparator.comparingInt(e -> e.getIds().length));
            List<TrainingBatch> batches = new ArrayList<>(lengthPool);
            for (int from = 0; from < encodings.length; from += batchSize) {
                Encoding[] group = Arrays.copyOfRange(encodings, from, from + batchSize);
                batches.add(TrainingBatch.unlabelled(EncodedBatch.of(group)));
            }
            Collections.shuffle(batches, new Random(Seeds.mix(seed, POOL_ORDER, pools++)));
            pool.addAll(batches);
        }
    }

    /** Builds {@link CorpusBatches}. */
    public static final class Builder {
        private TextCorpus corpus;
        private HuggingFaceTokenizer tokenizer;
        private int batchSize;
        private int batchesPerEpoch;
        private long seed;
        private int lengthPool = 32;
        private long maxBatches = Long.MAX_VALUE;

        Builder() {}

        /**
         * Sets the corpus (required).
         *
         * @param corpus the corpus
         * @return this builder
         */
        public Builder setCorpus(TextCorpus corpus) {
            this.corpus = Objects.requireNonNull(corpus, "corpus");
            return this;
        }

        /**
         * Sets the tokenizer (required). Build it with truncation to the model's length and without
         * padding ({@code optPadding(false)}): batches pad themselves to their longest passage.
         *
         * @param tokenizer the tokenizer, not closed by this source
         * @return this builder
         */
        public Builder setTokenizer(HuggingFaceTokenizer tokenizer) {
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            return this;
        }

        /**
         * Sets the passages per batch (required).
         *
         * @param size at least 1
         * @return this builder
         */
        public Builder setBatchSize(int size) {
            this.batchSize = positive(size, "batch size");
            return this;
        }

        /**
         * Sets the batches per epoch (required).
         *
         * @param batches at least 1
         * @return this builder
         */
        public Builder setBatchesPerEpoch(int batches) {
            this.batchesPerEpoch = positive(batches, "batches per epoch");
            return this;
        }

        /**
         * Sets the seed of the passage order and of the batch order (default 0).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets how many batches' worth of passages are tokenised and sorted by length together
         * (default 32; 1 leaves batches unsorted).
         *
         * @param batches at least 1
         * @return this builder
         */
        public Builder optLengthPool(int batches) {
            this.lengthPool = positive(batches, "length pool");
            return this;
        }

        /**
         * Caps the batches over all epochs (default: no cap): the epoch reaching the cap is shorter,
         * later ones are empty.
         *
         * @param batches at least 1
         * @return this builder
         */
        public Builder optMaxBatches(long batches) {
            if (batches < 1) {
                throw new IllegalArgumentException("max batches must be positive, got " + batches);
            }
            this.maxBatches = batches;
            return this;
        }

        /**
         * Builds the source.
         *
         * @return the source
         * @throws IllegalArgumentException if a required setting is missing
         */
        public CorpusBatches build() {
            if (corpus == null || tokenizer == null || batchSize == 0 || batchesPerEpoch == 0) {
                throw new IllegalArgumentException(
                        "CorpusBatches needs setCorpus, setTokenizer, setBatchSize and setBatchesPerEpoch");
            }
            if ((long) lengthPool * batchSize > Integer.MAX_VALUE / 2) {
                throw new IllegalArgumentException(
                        "length pool × batch size is too large: " + lengthPool + " × " + batchSize);
            }
            return new CorpusBatches(this);
        }

        private static int positive(int value, String what) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be positive, got " + value);
            }
            return value;
        }
    }
}
