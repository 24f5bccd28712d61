package ai.spikelm.zoo.eval.glue;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A GLUE TSV file is missing or does not fit its task's layout. The message names the file, the
 * 1-based line and the problem, in the {@code file:line: problem} form editors can jump to.
 */
public class MalformedGlueFileException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file; transient because {@link Path} is not serializable (the message keeps its name). */
    private final transient Path file;

    /** The 1-based line, or 0 for the whole file. */
    private final int lineNumber;

    /** What is wrong, without the location prefix. */
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param file the file that was read, or would have been
     * @param lineNumber the 1-based line number, or 0 when the problem is the file as a whole
     * @param problem what is wrong, in a sentence
     */
    public MalformedGlueFileException(Path file, int lineNumber, String problem) {
        this(file, lineNumber, problem, null);
    }

    /**
     * Creates the exception with an underlying cause.
     *
     * @param file the file that was read, or would have been
     * @param lineNumber the 1-based line number, or 0 when the problem is the file as a whole
     * @param problem what is wrong, in a sentence
     * @param cause the exception that revealed the problem, or {@code null}
     */
    public MalformedGlueFileException(Path file, int lineNumber, String problem, Throwable cause) {
        super(file + (lineNumber > 0 ? ":" + lineNumber : "") + ": " + problem, cause);
        this.file = file;
        this.lineNumber = lineNumber;
        this.problem = problem;
    }

    /**
     * Returns the file.
     *
     * @return the file that was read, or would have been
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the line.
     *
     * @return the 1-based line number, or 0 when the problem is the file as a whole
     */
    public int lineNumber() {
        return lineNumber;
    }

    /**
     * Returns the problem without the file and line prefix.
     *
     * @return what is wrong
     */
    public String problem() {
        return problem;
    }
}
