package ai.spikelm.zoo.hub;

/**
 * Thrown when downloaded content does not match what the server announced: its SHA-256 differs from
 * the {@code X-Linked-Etag} of an LFS file, or its length from the announced size.
 *
 * <p>The partial download has been deleted and nothing was cached.
 */
public final class ChecksumMismatchException extends HubException {

    private static final long serialVersionUID = 1L;

    /** The SHA-256 the Hub announced. */
    private final String expected;
    /** The SHA-256 of the bytes received. */
    private final String actual;

    /**
     * Creates the exception.
     *
     * @param model the model
     * @param file the file whose content is wrong
     * @param what what was compared, such as {@code "SHA-256"} or {@code "size"}
     * @param expected the announced value
     * @param actual the value of the downloaded content
     */
    ChecksumMismatchException(
            ModelId model, String file, String what, String expected, String actual) {
        super(
                what
                        + " mismatch for "
                        + describe(model, file)
                        + ": expected "
                        + expected
                        + ", got "
                        + actual
                        + "; the download was discarded",
                model,
                file,
                null);
        this.expected = expected;
        this.actual = actual;
    }

    /**
     * Returns the value the server announced.
     *
     * @return the expected SHA-256 (hex) or size
     */
    public String expected() {
        return expected;
    }

    /**
     * Returns the value of the downloaded content.
     *
     * @return the actual SHA-256 (hex) or size
     */
    public String actual() {
        return actual;
    }
}
