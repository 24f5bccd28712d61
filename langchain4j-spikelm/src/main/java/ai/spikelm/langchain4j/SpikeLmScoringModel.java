package ai.spikelm.langchain4j;

import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.util.StringPair;
import ai.spikelm.zoo.djl.SpikeLmArguments;
import ai.spikelm.zoo.djl.SpikeLmTranslatorFactory;
import ai.spikelm.langchain4j.spi.SpikeLmScoringModelBuilderFactory;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.spi.ServiceHelper;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.scoring.ScoringModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A LangChain4j {@link ScoringModel} from a SpikeLM cross-encoder: a {@code
 * BertForSequenceClassification} with one output (relevance), run on (query, segment) pairs. The
 * score is the model's raw output. One instance serves concurrent callers. A model converted on load
 * ({@link Builder#timeSteps}) is calibrated while it is built, on the embedded sample text or the
 * {@link Builder#calibrationText} file (single texts, not pairs), over real tokens only.
 */
public final class SpikeLmScoringModel implements ScoringModel, AutoCloseable {

    private final PredictorPool<StringPair, float[]> pool;

    private SpikeLmScoringModel(Builder b) {
        String url = b.modelPath != null ? "hf://" + b.modelPath.toAbsolutePath() : "hf://" + b.modelId;
        Criteria.Builder<StringPair, float[]> criteria =
                Criteria.builder()
                        .setTypes(StringPair.class, float[].class)
                        .optModelUrls(url)
                        .optTranslatorFactory(new SpikeLmTranslatorFactory())
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
            this.pool = new PredictorPool<>(criteria.build().loadModel(), b.batchSize, "scoring");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load " + url + ": " + e.getMessage(), e);
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IllegalArgumentException("Cannot load " + url + ": " + e.getMessage(), e);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Response<List<Double>> scoreAll(List<TextSegment> segments, String query) {
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("The query is empty");
        }
        List<StringPair> pairs = new ArrayList<>(segments.size());
        segments.forEach(s -> pairs.add(new StringPair(query, s.text())));
        List<Double> scores = new ArrayList<>(pairs.size());
        for (float[] logits : pool.predict(pairs)) {
            scores.add((double) logits[0]);
        }
        return Response.from(scores);
    }

    /** Closes the predictors and the model. */
    @Override
    public void close() {
        pool.close();
    }

    /**
     * Returns a builder: the one a {@link SpikeLmScoringModelBuilderFactory} service supplies, if any,
     * else a new one.
     *
     * @return a builder
     */
    public static Builder builder() {
        for (SpikeLmScoringModelBuilderFactory factory : ServiceHelper.loadFactories(SpikeLmScoringModelBuilderFactory.class)) {
            return factory.get();
        }
        return new Builder();
    }

    /** Builds a {@link SpikeLmScoringModel}. */
    public static final class Builder {
        private Path modelPath;
        private String modelId;
        private Integer timeSteps;
        private Integer intraOpThreads;
        private Path calibrationText;
        private int maxLength = 512;
        private int batchSize = 16;

        /** Creates a builder with the defaults (for builder factories). */
        public Builder() {}

        /**
         * Loads the cross-encoder from a local Hugging Face-layout folder.
         *
         * @param modelPath the folder
         * @return this builder
         */
        public Builder modelPath(Path modelPath) {
            this.modelPath = modelPath;
            return this;
        }

        /**
         * Loads the cross-encoder from the Hugging Face Hub ({@code org/name[@revision]}).
         *
         * @param modelId the model id
         * @return this builder
         */
        public Builder modelId(String modelId) {
            this.modelId = modelId;
            return this;
        }

        /**
         * Runs the model as SpikeLM with T time steps.
         *
         * @param timeSteps T; null keeps the model's setting
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
         * Sets the maximum tokens of a (query, segment) pair (default 512; longer pairs are truncated).
         *
         * @param maxLength the limit
         * @return this builder
         */
        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Sets PyTorch's intra-op threads, the threads one operation may use, when the model is
         * built. The setting is the process's, shared by every model ({@link
         * ai.spikelm.zoo.djl.InferenceThreads}); default: PyTorch's own, one per core.
         *
         * @param intraOpThreads at least 1; null leaves the setting as it is
         * @return this builder
         */
        public Builder intraOpThreads(Integer intraOpThreads) {
            this.intraOpThreads = intraOpThreads;
            return this;
        }

        /**
         * Sets how many pairs go through the model at once (default 16).
         *
         * @param batchSize the batch size
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Builds the model (loads it now).
         *
         * @return the model
         */
        public SpikeLmScoringModel build() {
            if ((modelPath == null) == (modelId == null)) {
                throw new IllegalArgumentException("Set exactly one of modelPath(...) and modelId(...)");
            }
            if (maxLength < 4 || batchSize < 1) {
                throw new IllegalArgumentException("maxLength must be >= 4 and batchSize >= 1");
            }
            if (intraOpThreads != null && intraOpThreads < 1) {
                throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
            }
            return new SpikeLmScoringModel(this);
        }
    }
}
