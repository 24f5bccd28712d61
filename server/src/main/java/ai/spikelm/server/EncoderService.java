package ai.spikelm.server;

import ai.djl.ndarray.NDManager;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.core.BurstTrimmer;
import ai.spikelm.zoo.family.EncoderModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.text.EncoderPipeline;
import ai.spikelm.zoo.text.LongInputPolicy;
import ai.spikelm.zoo.text.TextEmbedding;
import ai.spikelm.zoo.text.TokenizedTexts;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An encoder served for {@code /v1/embeddings}: loaded through the family registry, run through the
 * encoder pipeline ({@link EncoderPipeline}: windows of long texts averaged, vectors pooled over
 * real tokens and L2-normalised), with the batcher in front of it. Texts are tokenised on the
 * request's thread, so that limits are checked on exact token counts before the request queues and
 * the batcher's thread only runs forward passes.
 */
final class EncoderService implements ServedModel {

    /**
     * The window in tokens (capped at the model's positions): the default of the LangChain4j
     * embedding model, and sentence-transformers' {@code max_seq_length} of all-MiniLM-L6-v2.
     */
    static final int WINDOW = 256;

    private final String name;
    private final Integer timeSteps;
    private final NDManager manager;
    private final EncoderPipeline pipeline;
    private final SpikeMonitor monitor;
    private final BurstTrimmer trimmer = new BurstTrimmer();
    private final EmbeddingBatcher batcher;

    private EncoderService(ModelSpec spec, NDManager manager, EncoderModel encoder, EncoderPipeline pipeline, Batching batching,
            int queueCapacity, ServerMetrics metrics) {
        this.name = spec.name();
        this.timeSteps = spec.timeSteps();
        this.manager = manager;
        this.pipeline = pipeline;
        this.monitor = SpikeMonitor.attach(encoder);
        this.batcher = new EmbeddingBatcher(name, this::embedNow, batching, queueCapacity, metrics);
    }

    /**
     * Loads the encoder of a folder, calibrated if it is converted on load.
     *
     * @throws UncheckedIOException if it cannot be read
     */
    static EncoderService load(ModelSpec spec, Path dir, Batching batching, int queueCapacity, ServerMetrics metrics) {
        NDManager manager = NDManager.newBaseManager();
        EncoderPipeline pipeline = null;
        try {
            EncoderModel encoder = ModelFamilies.loadEncoder(
                    LoadRequest.builder().setModelDir(dir).optTimeSteps(spec.timeSteps()).build(), manager);
            pipeline = EncoderPipeline.builder()
                    .setModel(encoder)
                    .setTokenizer(dir.resolve("tokenizer.json"))
                    .optMaxLength(Math.min(WINDOW, encoder.shape().maxPositions()))
                    .optLongInputPolicy(LongInputPolicy.AVERAGE_WINDOWS)
                    .optBatchSize(batching.maxBatchSize()) // a merged batch is one forward pass, within the token budget
                    .build();
            return new EncoderService(spec, manager, encoder, pipeline, batching, queueCapacity, metrics);
        } catch (IOException e) {
            close(pipeline, manager);
            throw new UncheckedIOException("Model '" + spec.name() + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(pipeline, manager); // a model that will never serve must not keep its memory
            throw e;
        }
    }

    private static void close(EncoderPipeline pipeline, NDManager manager) {
        if (pipeline != null) {
            pipeline.close();
        }
        manager.close();
    }

    @Override
    public String name() {
        return name;
    }

    /** Returns the vector size. */
    int dimension() {
        return pipeline.dimension();
    }

    /**
     * Tokenises a request's texts, as the encoder will read them.
     *
     * @throws IllegalArgumentException naming a text the tokenizer refuses
     */
    TokenizedTexts tokenize(List<String> texts) {
        return pipeline.tokenizer().encode(texts);
    }

    /**
     * Queues tokenised texts for the next batch.
     *
     * @throws ApiException 429 when the queue is full, 503 once closing
     */
    CompletableFuture<EmbeddingBatcher.Output> embed(TokenizedTexts texts) {
        return batcher.submit(texts);
    }

    /** One model call, on the batcher's thread: the monitor then counts this call alone. */
    private EmbeddingBatcher.Output embedNow(TokenizedTexts texts) {
        monitor.reset();
        List<TextEmbedding> embeddings = trimmer.call(() -> pipeline.embed(texts));
        return new EmbeddingBatcher.Output(embeddings, SpikeStats.of(monitor.snapshot()));
    }

    @Override
    public void describe(ObjectNode spikelm) {
        spikelm.put("task", "embeddings");
        spikelm.put("dimension", pipeline.dimension());
        spikelm.put("max_window_tokens", pipeline.tokenizer().maxLength());
        if (timeSteps != null) {
            spikelm.put("time_steps", timeSteps);
        }
    }

    @Override
    public void close() {
        batcher.close();
        monitor.close();
        close(pipeline, manager);
        BurstTrimmer.trimNow();
    }
}
