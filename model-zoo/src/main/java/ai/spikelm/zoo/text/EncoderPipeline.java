package ai.spikelm.zoo.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.family.EncoderModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The one text pipeline for encoders: texts → sentence vectors, with their token counts. Each text
 * is tokenised once ({@link EncoderTokenizer}; long texts truncated, cut into windows or refused),
 * rows go through the encoder in batches of at most {@code batchSize}, each row is pooled over its
 * real tokens ({@link Pooling}), a text's windows are averaged, and the result is L2-normalised once
 * (unless {@code normalize} is off). The DJL translators, the LangChain4j models and every command
 * that embeds text use it, or its tokenising stage and {@link TokenizedTexts#combine}.
 *
 * <pre>{@code
 * try (EncoderPipeline pipeline = EncoderPipeline.builder()
 *         .setModel(encoder)                               // ModelFamilies.loadEncoder(...)
 *         .setTokenizer(dir.resolve("tokenizer.json"))
 *         .optBatchSize(32)
 *         .build()) {
 *     List<TextEmbedding> vectors = pipeline.embed(List.of("A man is playing a guitar.", "A man plays guitar."));
 *     pipeline.embed(lines.iterator(), embedding -> write(embedding));   // any number of texts, bounded memory
 * }
 * }</pre>
 *
 * <p>Memory is bounded by the batch size, not by the input: {@link #embed(Iterator, Consumer)} reads
 * {@value #SORT_BATCHES} batches' worth of texts at a time, sorts their rows by length (so a batch
 * pads only to rows of nearly the same length), runs them and hands the vectors on in input order
 * before it reads more. A forward pass takes at most {@code batchSize} rows and at most {@code
 * maxBatchTokens} rows × padded length, so that a few long texts do not make one huge pass (at T = 4,
 * 32 rows of 512 tokens took 10 GB; activations grow with rows × length × T and attention with
 * rows × length² × T). Each batch runs in its own {@link NDManager}, closed before the next. A text
 * far longer than the window costs memory in proportion to its length while it is tokenised.
 *
 * <p>A model with uncalibrated spike sites is calibrated when the pipeline is built, on the
 * calibration set ({@link CalibrationSet#sample()} by default) over real tokens only, so vectors do
 * not depend on which texts come first. Thread-safe: concurrent calls share the model's weights.
 */
public final class EncoderPipeline implements AutoCloseable {

    /** Batches' worth of texts read, sorted by length and run together by the streaming call. */
    public static final int SORT_BATCHES = 16;

    /** Default bound on rows × padded length of one forward pass (32 rows of 64 tokens, 4 of 512). */
    public static final int DEFAULT_MAX_BATCH_TOKENS = 2048;

    /** Told about each batch after it has gone through the encoder, for progress or measurement. */
    @FunctionalInterface
    public interface BatchListener {
        /**
         * Called after a batch's forward pass.
         *
         * @param index the batch's index since the pipeline was built, from 0
         * @param batch the batch, as the encoder saw it
         */
        void onBatch(int index, EncodedBatch batch);
    }

    private final EncoderModel model;
    private final EncoderTokenizer tokenizer;
    private final boolean ownsTokenizer;
    private final Pooling pooling;
    private final boolean normalize;
    private final int batchSize;
    private final int maxBatchTokens;
    private final BatchListener listener;
    private final AtomicInteger batches = new AtomicInteger();

    private EncoderPipeline(Builder b, EncoderTokenizer tokenizer, boolean ownsTokenizer) {
        this.model = b.model;
        this.tokenizer = tokenizer;
        this.ownsTokenizer = ownsTokenizer;
        this.pooling = b.pooling;
        this.normalize = b.normalize;
        this.batchSize = b.batchSize;
        this.maxBatchTokens = b.maxBatchTokens;
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
     * Returns the length of the vectors.
     *
     * @return the encoder's hidden size
     */
    public int dimension() {
        return model.shape().hiddenSize();
    }

    /**
     * Returns the tokenising stage.
     *
     * @return the tokenizer
     */
    public EncoderTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * Embeds texts.
     *
     * @param texts the texts, none blank
     * @return one embedding per text, in input order (empty for no texts)
     * @throws IllegalArgumentException naming the first blank text, or a text the long-input policy
     *     refuses
     */
    public List<TextEmbedding> embed(List<String> texts) {
        List<TextEmbedding> out = new ArrayList<>(texts.size());
        embed(texts.iterator(), out::add);
        return out;
    }

    /**
     * Embeds texts and returns the vectors only.
     *
     * @param texts the texts, none blank
     * @return one vector per text, in input order
     * @throws IllegalArgumentException naming the first blank text, or a text the long-input policy
     *     refuses
     */
    public float[][] vectors(List<String> texts) {
        return embed(texts).stream().map(TextEmbedding::vector).toArray(float[][]::new);
    }

    /**
     * Embeds a stream of texts in bounded memory, handing each embedding on in input order.
     *
     * @param texts the texts, none blank; read as they are needed
     * @param sink receives each embedding, in input order
     * @return how many texts were embedded
     * @throws IllegalArgumentException naming the first blank text (by its index in the stream), or
     *     a text the long-input policy refuses; the texts before its chunk have been handed on
     */
    public long embed(Iterator<String> texts, Consumer<TextEmbedding> sink) {
        Objects.requireNonNull(sink, "sink");
        int chunkSize = batchSize * SORT_BATCHES;
        List<String> chunk = new ArrayList<>(Math.min(chunkSize, 1024));
        long done = 0;
        while (texts.hasNext()) {
            chunk.add(texts.next());
            if (chunk.size() == chunkSize) {
                done += embedChunk(chunk, done, sink);
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) {
            done += embedChunk(chunk, done, sink);
        }
        return done;
    }

    private int embedChunk(List<String> texts, long firstIndex, Consumer<TextEmbedding> sink) {
        List<TextEmbedding> embeddings = embed(tokenizer.encode(texts, firstIndex));
        embeddings.forEach(sink);
        return embeddings.size();
    }

    /**
     * Embeds texts already tokenised by this pipeline's {@link #tokenizer()}: for a caller that
     * checks token counts before any forward pass, or merges the texts of several requests into one
     * call ({@link TokenizedTexts#concat}). The rows run longest first in batches within {@code
     * batchSize} and {@code maxBatchTokens}, as for {@link #embed(List)}.
     *
     * @param tokenized the texts, as {@code tokenizer().encode(...)} returned them
     * @return one embedding per text, in text order
     */
    public List<TextEmbedding> embed(TokenizedTexts tokenized) {
        int[] order = tokenized.rowsLongestFirst();
        float[][] rowVectors = new float[tokenized.rowCount()][];
        for (int start = 0, end; start < order.length; start = end) {
            end = Math.min(order.length, start + rowsPerBatch(tokenized.rowLength(order[start])));
            int[] rows = Arrays.copyOfRange(order, start, end);
            EncodedBatch batch = tokenized.batch(rows);
            float[][] pooled = pool(batch);
            for (int j = 0; j < rows.length; j++) {
                rowVectors[rows[j]] = pooled[j];
            }
            if (listener != null) {
                listener.onBatch(batches.getAndIncrement(), batch);
            }
        }
        float[][] vectors = tokenized.combine(rowVectors, normalize);
        List<TextEmbedding> out = new ArrayList<>(vectors.length);
        for (int i = 0; i < vectors.length; i++) {
            out.add(new TextEmbedding(vectors[i], tokenized.tokens(i)));
        }
        return out;
    }

    /** Rows in a batch whose longest (first) row has this length: within both bounds, at least one. */
    private int rowsPerBatch(int longest) {
        return Math.max(1, Math.min(batchSize, maxBatchTokens / longest)); // a row holds [CLS] and [SEP]
    }

    /** One forward pass; each row pooled over its real tokens, not normalised. */
    private float[][] pool(EncodedBatch batch) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray hidden =
                    model.forward(new ParameterStore(manager, false), model.inputs(batch, manager), false).get(0);
            return pooling.vectors(hidden, batch.attentionMask(), false);
        }
    }

    /** Releases the tokenizer, if the pipeline made it. The model is the caller's. */
    @Override
    public void close() {
        if (ownsTokenizer) {
            tokenizer.close();
        }
    }

    /** Builds an {@link EncoderPipeline}. */
    public static final class Builder {
        private EncoderModel model;
        private EncoderTokenizer tokenizer;
        private Path tokenizerFile;
        private Integer maxLength;
        private LongInputPolicy policy = LongInputPolicy.TRUNCATE;
        private Pooling pooling = Pooling.MEAN;
        private boolean normalize = true;
        private int batchSize = 32;
        private int maxBatchTokens = DEFAULT_MAX_BATCH_TOKENS;
        private BatchListener listener;
        private CalibrationSet calibration = CalibrationSet.sample();

        Builder() {}

        /**
         * Sets the encoder (required).
         *
         * @param model an initialised encoder ({@link ai.spikelm.zoo.family.ModelFamilies#loadEncoder})
         * @return this builder
         */
        public Builder setModel(EncoderModel model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the model's {@code tokenizer.json} (this or {@link #setTokenizer(EncoderTokenizer)}
         * is required); the pipeline makes its tokenizer with {@link #optMaxLength} and {@link
         * #optLongInputPolicy} and closes it.
         *
         * @param tokenizerJson the file
         * @return this builder
         */
        public Builder setTokenizer(Path tokenizerJson) {
            this.tokenizerFile = tokenizerJson;
            this.tokenizer = null;
            return this;
        }

        /**
         * Sets a tokenizer made elsewhere (its window and policy apply); the caller closes it.
         *
         * @param tokenizer the tokenizer
         * @return this builder
         */
        public Builder setTokenizer(EncoderTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            this.tokenizerFile = null;
            return this;
        }

        /**
         * Sets the window in tokens (default and upper bound: the model's positions).
         *
         * @param maxLength the window, at least 2
         * @return this builder
         */
        public Builder optMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Sets what happens to texts longer than the window (default {@link LongInputPolicy#TRUNCATE}).
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder optLongInputPolicy(LongInputPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
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
         * Sets how many rows go through the encoder at once (default 32).
         *
         * @param batchSize the batch size, at least 1
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the most rows × padded length one forward pass may take (default {@value
         * #DEFAULT_MAX_BATCH_TOKENS}); batches of long rows get fewer rows, down to one.
         *
         * @param maxBatchTokens the bound, at least 1
         * @return this builder
         */
        public Builder optMaxBatchTokens(int maxBatchTokens) {
            this.maxBatchTokens = maxBatchTokens;
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
         * Sets what a model with uncalibrated spike sites is calibrated on when the pipeline is built
         * (default {@link CalibrationSet#sample()}).
         *
         * @param calibration the texts
         * @return this builder
         */
        public Builder optCalibration(CalibrationSet calibration) {
            this.calibration = Objects.requireNonNull(calibration, "calibration");
            return this;
        }

        /**
         * Builds the pipeline, calibrating the model first if it needs it.
         *
         * @return the pipeline
         * @throws IllegalArgumentException if the model or tokenizer is missing, or a size is out of
         *     range
         * @throws UncheckedIOException naming the tokenizer file if it cannot be read
         */
        public EncoderPipeline build() {
            if (model == null || (tokenizer == null && tokenizerFile == null)) {
                throw new IllegalArgumentException("setModel(...) and setTokenizer(...) are required");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
            if (maxBatchTokens < 1) {
                throw new IllegalArgumentException("maxBatchTokens must be at least 1, got " + maxBatchTokens);
            }
            int positions = model.shape().maxPositions();
            try {
                EncoderTokenizer t = tokenizer;
                boolean owns = t == null;
                if (owns) {
                    int window = maxLength == null ? positions : maxLength;
                    if (window > positions) {
                        throw new IllegalArgumentException(
                                "maxLength " + window + " exceeds the model's " + positions + " positions");
                    }
                    t = EncoderTokenizer.builder()
                            .setTokenizer(tokenizerFile)
                            .optMaxLength(window)
                            .optLongInputPolicy(policy)
                            .build();
                } else if (t.maxLength() > positions) {
                    throw new IllegalArgumentException(
                            "The tokenizer's maxLength " + t.maxLength() + " exceeds the model's " + positions + " positions");
                }
                if (Calibration.needed(model)) {
                    Calibration.calibrate(model, t.file(), positions, calibration);
                }
                return new EncoderPipeline(this, t, owns);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
    }
}
