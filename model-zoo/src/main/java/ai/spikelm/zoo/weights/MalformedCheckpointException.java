package ai.spikelm.zoo.weights;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Thrown when a checkpoint file (a safetensors file or a sharded index) is not well formed.
 *
 * <p>The message names the file and the problem; {@link #file()} and {@link #problem()} give them
 * separately so that callers can report them without parsing the message.
 */
public class MalformedCheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    /** What is wrong with the file. */
    private final String problem;

    /**
     * Creates an exception for a problem found in a file.
     *
     * @param file the offending file
     * @param problem what is wrong, in a few words
     */
    public MalformedCheckpointException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * Creates an exception for a problem found in a file, with the error that revealed it.
     *
     * @param file the offending file
     * @param problem what is wrong, in a few words
     * @param cause the underlying error, or {@code null}
     */
    public MalformedCheckpointException(Path file, String problem, Throwable cause) {
        super("Malformed checkpoint " + file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /**
     * Returns the offending file.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }

    /**
     * Returns what is wrong, without the file name.
     *
     * @return the problem
     */
    public String problem() {
        return problem;
    }
}
