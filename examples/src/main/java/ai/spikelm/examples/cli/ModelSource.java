package ai.spikelm.examples.cli;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBert;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.convert.ImportedBert;
import ai.spikelm.zoo.convert.OnnxBertImporter;
import ai.spikelm.zoo.core.SpikingConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.UnaryOperator;

/**
 * Where a command's model comes from: a Hugging Face-layout directory, an ONNX BERT export, or —
 * when nothing is given — the embedded all-MiniLM-L6-v2 (real weights shipped in a Maven jar).
 */
final class ModelSource {

    /** How the embedded model is named in output. */
    static final String EMBEDDED_NAME = "all-MiniLM-L6-v2 (embedded)";

    private static final String EMBEDDED_ONNX = "all-minilm-l6-v2.onnx";
    private static final String EMBEDDED_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private final Path path;
    private final Integer heads;
    private Path scratch;

    /**
     * Creates a source.
     *
     * @param path a model directory or an ONNX file, or null for the embedded model
     * @param heads the attention head count, for ONNX files whose graph does not tell it
     */
    ModelSource(Path path, Integer heads) {
        this.path = path;
        this.heads = heads;
    }

    /** Returns a short description for output. */
    String name() {
        return path == null ? EMBEDDED_NAME : path.toString();
    }

    private boolean isOnnx() {
        return path == null || (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".onnx"));
    }

    /** Returns the SpikeLM settings the source has on its own (ANN for an ONNX export). */
    SpikingConfig savedSpiking() throws IOException {
        return isOnnx() ? SpikingConfig.ANN : SpikeBertConfig.load(path.resolve("config.json")).spiking();
    }

    /**
     * Loads the model with its SpikeLM settings rewritten by {@code spiking}.
     *
     * @param manager the manager that will own the parameters
     * @param spiking maps the source's settings to the wanted ones
     * @return the initialised model with the source's weights
     */
    SpikeBertPreTrainedModel load(NDManager manager, UnaryOperator<SpikingConfig> spiking) throws IOException {
        if (!isOnnx()) {
            SpikingConfig wanted = spiking.apply(savedSpiking());
            return SpikeBertLoader.builder().setModelDir(path).optSpiking(wanted).build().load(manager);
        }
        ImportedBert imported = heads == null ? OnnxBertImporter.read(onnx()) : OnnxBertImporter.read(onnx(), heads);
        SpikeBertConfig config =
                imported.config().toBuilder()
                        .optSpiking(spiking.apply(SpikingConfig.ANN))
                        .build();
        boolean pooler = imported.tensors().containsKey("pooler.dense.weight");
        SpikeBertPreTrainedModel model = SpikeBert.create(config, SpikeBert.architecture(config), pooler);
        model.initialize(manager);
        model.loadWeights(imported.tensors(), false);
        return model;
    }

    /** Returns the tokenizer.json that goes with the model. */
    Path tokenizer() throws IOException {
        if (path == null) {
            return extract(EMBEDDED_TOKENIZER);
        }
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new IOException("No tokenizer.json beside " + path + "; pass --tokenizer FILE");
        }
        return file;
    }

    private Path onnx() throws IOException {
        return path == null ? extract(EMBEDDED_ONNX) : path;
    }

    /** Copies a file of the embedded model jar to a temporary directory (the ONNX reader maps files). */
    private Path extract(String resource) throws IOException {
        if (scratch == null) {
            scratch = Files.createTempDirectory("spikelm-embedded");
            scratch.toFile().deleteOnExit();
        }
        Path target = scratch.resolve(resource);
        if (!Files.exists(target)) {
            try (InputStream in = ModelSource.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new UncheckedIOException(new IOException("Embedded model file missing from the class path: " + resource));
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            target.toFile().deleteOnExit();
        }
        return target;
    }
}
