package ai.spikelm.zoo.corpus;

/**
 * A corpus cannot be read: bytes that are not UTF-8, a malformed JSONL line, an I/O error, or no
 * passage at all. Thrown while the passage stream reaches the problem, since the corpus is never
 * scanned up front; the message names the file and, where it applies, the line and byte.
 */
public class CorpusException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and where
     */
    public CorpusException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what went wrong and where
     * @param cause the underlying error
     */
    public CorpusException(String message, Throwable cause) {
        super(message, cause);
    }
}
