package ai.spikelm.spark;

import ai.djl.ndarray.NDManager;
import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.core.NativeMemory;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.family.EncoderModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.hub.ModelLocator;
import ai.spikelm.zoo.text.EncoderPipeline;
import ai.spikelm.zoo.text.TextEmbedding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One encoder an {@link EncoderSpec} names, loaded in this JVM: the model (through the family
 * registry, calibrated on the embedded sample text if it is converted on load, so every executor
 * holds the same α whatever data its partitions bring) and the encoder pipeline over it. Shared by
 * every task thread of the JVM: the pipeline is thread-safe, and a measured group counts only the
 * forward passes of the thread that runs it ({@link SpikeMonitor#copyThreadInto}).
 *
 * <p>The weights come out of autograd as the registry loads them ({@link
 * ai.spikelm.zoo.core.Gradients}), so task threads, on which PyTorch's grad mode is on, record no
 * graph (measured on an earlier Spark job before that: +1.1 GB resident instead of +0.34 GB for
 * MiniLM at T = 4, batch 16).
 */
public final class LoadedEncoder implements AutoCloseable {

    private final EncoderSpec spec;
    private final NDManager manager;
    private final EncoderModel model;
    private final EncoderPipeline pipeline;
    private final SpikeMonitor attached;

    private LoadedEncoder(
            EncoderSpec spec, NDManager manager, EncoderModel model, EncoderPipeline pipeline, SpikeMonitor attached) {
        this.spec = spec;
        this.manager = manager;
        this.model = model;
        this.pipeline = pipeline;
        this.attached = attached;
    }

    /**
     * Loads the encoder a spec names (most callers use {@link ExecutorEncoders#get}, which loads
     * once per JVM).
     *
     * @param spec what to load
     * @return the encoder; close it to free its native memory
     * @throws IOException naming the model if it cannot be found or read
     */
    public static LoadedEncoder load(EncoderSpec spec) throws IOException {
        Path dir = modelDirectory(spec.model());
        NDManager manager = NDManager.newBaseManager();
        try {
            EncoderModel model = ModelFamilies.loadEncoder(
                    LoadRequest.builder().setModelDir(dir).optSpiking(spec::spiking).build(), manager);
            EncoderPipeline.Builder pipeline = EncoderPipeline.builder()
                    .setModel(model)
                    .setTokenizer(dir.resolve("tokenizer.json"))
                    .optPooling(spec.pooling())
                    .optLongInputPolicy(spec.longInputs())
                    .optBatchSize(spec.batchSize())
                    .optMaxBatchTokens(spec.maxBatchTokens());
            if (spec.maxLength() != null) {
                pipeline.optMaxLength(Math.min(spec.maxLength(), model.shape().maxPositions()));
            }
            EncoderPipeline built = pipeline.build();
            SpikeMonitor attached = spec.measureEnergy() ? SpikeMonitor.attach(model) : null;
            // Loading and calibration peak at several times the weights; hand that back now.
            NativeMemory.trim();
            return new LoadedEncoder(spec, manager, model, built, attached);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A spec's model as a Hugging Face-layout directory with config.json and tokenizer.json (shared
     * with {@link LoadedClassifier}).
     *
     * @param model a directory or Hub id, or null for the embedded model
     */
    static Path modelDirectory(String model) throws IOException {
        if (model == null) {
            return EmbeddedMiniLm.directory();
        }
        Path dir = ModelLocator.isLocal(model)
                ? Path.of(model)
                : ModelLocator.fromEnvironment().resolve(model);
        if (!Files.isRegularFile(dir.resolve("config.json")) || !Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new IOException(model + " is not a Hugging Face-layout model directory with config.json and"
                    + " tokenizer.json (convert ONNX or TensorFlow models with `spikelm convert` first)");
        }
        return dir;
    }

    /**
     * Returns the spec this encoder was loaded for.
     *
     * @return the spec
     */
    public EncoderSpec spec() {
        return spec;
    }

    /**
     * Returns the model's SpikeLM settings.
     *
     * @return the settings it runs with
     */
    public SpikingConfig spiking() {
        return model.spiking();
    }

    /**
     * Returns the pipeline over the model, for a single-process run of the same encoder.
     *
     * @return the pipeline (the spec's pooling, window and batch sizes)
     */
    public EncoderPipeline pipeline() {
        return pipeline;
    }

    /** The model, for tests that measure it by hand. */
    EncoderModel model() {
        return model;
    }

    /**
     * Embeds a group of texts and, if the spec asks, measures the forward passes this call ran.
     * Call with at most {@link EncoderSpec#groupSize()} texts, so that they form one group the
     * pipeline sorts by length and runs together.
     *
     * @param texts the texts, none blank
     * @return the embeddings in input order and the group's cost
     * @throws IllegalArgumentException if a text is blank, or the long-input policy refuses one
     */
    public EmbeddedGroup embed(List<String> texts) {
        if (attached == null) {
            return new EmbeddedGroup(pipeline.embed(texts), null);
        }
        SpikeMonitor mine = new SpikeMonitor();
        List<TextEmbedding> embeddings;
        try (SpikeMonitor.ThreadCopy copy = SpikeMonitor.copyThreadInto(mine)) {
            embeddings = pipeline.embed(texts);
        }
        return new EmbeddedGroup(embeddings, GroupCost.of(mine.snapshot(), EnergyModel.DEFAULT));
    }

    /** Detaches the monitor, frees the weights and the tokenizer, and hands the memory back. */
    @Override
    public void close() {
        if (attached != null) {
            attached.close();
        }
        pipeline.close();
        manager.close();
        NativeMemory.trim();
    }
}
