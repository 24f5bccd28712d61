package ai.spikelm.zoo.hub;

/**
 * Thrown when a request kept failing transiently (HTTP 5xx or 429, a timeout, a dropped connection)
 * more times in a row than the client allows; the last failure is the cause.
 */
public final class RetriesExhaustedException extends HubException {

    private static final long serialVersionUID = 1L;

    /** How many attempts failed in a row. */
    private final int attempts;
    /** The HTTP status of the last failure, or -1 for a network error. */
    private final int lastStatus;

    /**
     * Creates the exception.
     *
     * @param model the model
     * @param file the file being fetched
     * @param attempts how many attempts failed in a row
     * @param lastStatus the HTTP status of the last failure, or -1 if it was a network error
     * @param last the last failure
     */
    RetriesExhaustedException(
            ModelId model, String file, int attempts, int lastStatus, Throwable last) {
        super(
                "Gave up on "
                        + describe(model, file)
                        + " after "
                        + (attempts == 1 ? "1 failed attempt" : attempts + " failed attempts in a row")
                        + "; last: "
                        + (lastStatus > 0 ? "HTTP " + lastStatus : String.valueOf(last)),
                model,
                file,
                last);
        this.attempts = attempts;
        this.lastStatus = lastStatus;
    }

    /**
     * Returns how many attempts failed in a row.
     *
     * @return the number of attempts
     */
    public int attempts() {
        return attempts;
    }

    /**
     * Returns the HTTP status of the last failure.
     *
     * @return the status, or -1 if the last failure was a network error or a timeout
     */
    public int lastStatus() {
        return lastStatus;
    }
}
