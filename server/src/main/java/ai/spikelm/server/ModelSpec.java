package ai.spikelm.server;

import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.hub.ModelLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model to serve: the name clients ask for ({@code "model"} in a request), where it comes from
 * and how it runs.
 *
 * @param name the served name: letters, digits, {@code . _ - : /}
 * @param source a Hugging Face-layout folder, a Hub id {@code org/name[@revision]}, or {@value
 *     #EMBEDDED} for the embedded all-MiniLM-L6-v2
 * @param timeSteps run as SpikeLM with T time steps (converting an ANN on load), or null for the
 *     model's own setting
 */
public record ModelSpec(String name, String source, Integer timeSteps) {

    /** The source that names the embedded all-MiniLM-L6-v2 ({@link EmbeddedMiniLm}). */
    public static final String EMBEDDED = "embedded";

    /** What {@code spikelm serve} serves without a {@code --model}: the embedded encoder as an ANN. */
    public static final String DEFAULT = EmbeddedMiniLm.NAME + "=" + EMBEDDED;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");
    private static final Pattern SPEC = Pattern.compile("([^=]+)=(.+?)(?:,T=(\\d+))?");

    /**
     * Checks the fields.
     *
     * @param name the served name
     * @param source the folder, Hub id or {@value #EMBEDDED}
     * @param timeSteps T, or null for the model's own setting
     * @throws IllegalArgumentException for a bad name, an empty source or T below 1
     */
    public ModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Model name '" + name + "' must be 1-128 letters, digits or . _ - : /");
        }
        if (source.isBlank()) {
            throw new IllegalArgumentException("Model '" + name + "' has no source");
        }
        if (timeSteps != null && timeSteps < 1) {
            throw new IllegalArgumentException("Model '" + name + "': T must be at least 1, got " + timeSteps);
        }
    }

    /**
     * Parses {@code NAME=SOURCE[,T=N]}, as on the command line: {@code minilm=embedded}, {@code
     * minilm-t4=/models/minilm,T=4}, {@code gpt2=org/name@main}.
     *
     * @param spec the text
     * @return the spec
     * @throws IllegalArgumentException if the text has another form
     */
    public static ModelSpec parse(String spec) {
        Matcher m = SPEC.matcher(spec.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--model '" + spec + "' must be NAME=SOURCE[,T=N]");
        }
        Integer t = m.group(3) == null ? null : Integer.valueOf(m.group(3));
        return new ModelSpec(m.group(1).strip(), m.group(2).strip(), t);
    }

    /**
     * Returns the model's folder: the embedded model converted once per JVM, a local folder as it
     * is, or a Hub id fetched through the Hugging Face cache.
     *
     * @return the folder
     * @throws IOException naming the model if the folder does not exist or cannot be fetched
     */
    public Path directory() throws IOException {
        try {
            if (source.equals(EMBEDDED)) {
                return EmbeddedMiniLm.directory();
            }
            if (ModelLocator.isLocal(source)) {
                Path dir = Path.of(source);
                if (!Files.isDirectory(dir)) {
                    throw new NoSuchFileException(source, null, "no such model folder (convert other formats with spikelm convert)");
                }
                return dir;
            }
            return ModelLocator.fromEnvironment().resolve(source);
        } catch (IOException e) {
            throw new IOException("Model '" + name + "': " + e.getMessage(), e);
        }
    }
}
