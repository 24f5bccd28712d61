package ai.spikelm.zoo.eval;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.bert.SpikeBertModel;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.Pooling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Sentence vectors from a bare SpikeLM-BERT encoder: tokenise, run the encoder, pool the real
 * tokens ({@link Pooling}) and, by default, L2-normalise.
 *
 * <pre>{@code
 * SentenceEmbedder embedder = SentenceEmbedder.builder()
 *         .setModel(encoder)            // a SpikeBertModel (architecture "BertModel")
 *         .setTokenizer(tokenizer)      // its truncation decides what happens to long texts
 *         .optBatchSize(64)
 *         .build();
 * float[][] vectors = embedder.embed(List.of("A man is playing a guitar.", "A man plays guitar."));
 * }</pre>
 *
 * <p>Texts go through the model in batches of at most {@code batchSize}, longest first by token
 * count (sentence-transformers sorts by characters; tokens leave less padding), so each batch is
 * padded to texts of nearly the same length and memory is bounded by the batch size, not by the
 * number of texts. The vectors come back in input order. Each batch runs in its own {@link
 * NDManager}, closed before the next one starts.
 *
 * <p>A spiking model that is not calibrated yet calibrates α on its first forward pass: here the
 * batch of the longest texts (by tokens).
 */
public final class SentenceEmbedder {

    /** Told about each batch after it has gone through the model, for progress or measurement. */
    @FunctionalInterface
    public interface BatchListener {
        /**
         * Called after a batch's forward pass.
         *
         * @param index the batch's index, from 0
         * @param batchCount how many batches this call of {@link #embed} runs
         * @param batch the batch, as the model saw it
         */
        void onBatch(int index, int batchCount, EncodedBatch batch);
    }

    private final SpikeBertPreTrainedModel model;
    private final HuggingFaceTokenizer tokenizer;
    private final Pooling pooling;
    private final boolean normalize;
    private final int batchSize;
    private final BatchListener listener;

    private SentenceEmbedder(Builder b) {
        this.model = b.model;
        this.tokenizer = b.tokenizer;
        this.pooling = b.pooling;
        this.normalize = b.normalize;
        this.batchSize = b.batchSize;
        this.listener = b.listener;
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
     * Embeds texts.
     *
     * @param texts the texts, none blank
     * @return one vector per text, in input order (empty for no texts)
     * @throws IllegalArgumentException if a text is blank, or longer than the model's positions
     *     after tokenisation (the tokenizer does not truncate)
     */
    public float[][] embed(List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isBlank()) {
                throw new IllegalArgumentException("Text " + i + " is empty");
            }
        }
        int[] order = longestFirst(texts);
        float[][] out = new float[texts.size()][];
        int batchCount = (texts.size() + batchSize - 1) / batchSize;
        for (int b = 0; b < batchCount; b++) {
            int[] members = Arrays.copyOfRange(order, b * batchSize, Math.min(order.length, (b + 1) * batchSize));
            List<String> batchTexts = new ArrayList<>(members.length);
            for (int i : members) {
                batchTexts.add(texts.get(i));
            }
            EncodedBatch batch = EncodedBatch.encode(tokenizer, batchTexts);
            float[][] vectors = embedBatch(batch);
            for (int j = 0; j < members.length; j++) {
                out[members[j]] = vectors[j];
            }
            if (listener != null) {
                listener.onBatch(b, batchCount, batch);
            }
        }
        return out;
    }

    /**
     * Orders the texts by token count, longest first, ties in input order (so the batches, and a
     * calibration on the first one, are deterministic), and checks that each fits the model.
     * Sorting by tokens rather than characters leaves almost no padding in a batch. Only the counts
     * are kept: each batch is tokenised again when it runs, so memory does not grow with the token
     * encodings of the whole input.
     */
    private int[] longestFirst(List<String> texts) {
        int positions = model.getConfig().maxPositionEmbeddings();
        int[] tokens = new int[texts.size()];
        for (int start = 0; start < texts.size(); start += batchSize) {
            Encoding[] encodings = tokenizer.batchEncode(texts.subList(start, Math.min(texts.size(), start + batchSize)));
            for (int j = 0; j < encodings.length; j++) {
                tokens[start + j] = encodings[j].getIds().length;
                // Too long for the position table would fail deep in the model; say which text instead.
                if (tokens[start + j] > positions) {
                    throw new IllegalArgumentException(
                            "Text " + (start + j) + " has " + tokens[start + j] + " tokens, more than the model's "
                                    + positions + " positions; use a tokenizer that truncates (optMaxLength, optTruncation)");
                }
            }
        }
        return IntStream.range(0, texts.size())
                .boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -tokens[i]))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private float[][] embedBatch(EncodedBatch batch) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray hidden =
                    model.forward(new ParameterStore(manager, false), model.inputs(batch, manager), false).get(0);
            return pooling.vectors(hidden, batch.attentionMask(), normalize);
        }
    }

    /** Builds a {@link SentenceEmbedder}. */
    public static final class Builder {
        private SpikeBertPreTrainedModel model;
        private HuggingFaceTokenizer tokenizer;
        private Pooling pooling = Pooling.MEAN;
        private boolean normalize = true;
        private int batchSize = 32;
        private BatchListener listener;

        Builder() {}

        /**
         * Sets the encoder (required).
         *
         * @param model an initialised bare encoder, {@link SpikeBertModel}
         * @return this builder
         */
        public Builder setModel(SpikeBertPreTrainedModel model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the tokenizer (required). It should not pad; padding is done per batch.
         *
         * @param tokenizer the model's tokenizer
         * @return this builder
         */
        public Builder setTokenizer(HuggingFaceTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /**
         * Sets the pooling (default {@link Pooling#MEAN}).
         *
         * @param pooling the pooling
         * @return this builder
         */
        public Builder optPooling(Pooling pooling) {
            this.pooling = Objects.requireNonNull(pooling, "pooling");
            return this;
        }

        /**
         * Sets whether vectors are L2-normalised (default true).
         *
         * @param normalize whether to normalise
         * @return this builder
         */
        public Builder optNormalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /**
         * Sets how many texts go through the model at once (default 32).
         *
         * @param batchSize the batch size, at least 1
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets a listener told about each batch (default none).
         *
         * @param listener the listener, or null
         * @return this builder
         */
        public Builder optBatchListener(BatchListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Builds the embedder.
         *
         * @return the embedder
         * @throws IllegalArgumentException if the model or tokenizer is missing, the model is not a
         *     bare encoder or the batch size is below 1
         */
        public SentenceEmbedder build() {
            if (model == null || tokenizer == null) {
                throw new IllegalArgumentException("setModel(...) and setTokenizer(...) are required");
            }
            if (!(model instanceof SpikeBertModel)) {
                throw new IllegalArgumentException(
                        "Sentence embedding needs a bare encoder (BertModel), but the model is " + model.architecture());
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
            return new SentenceEmbedder(this);
        }
    }
}
