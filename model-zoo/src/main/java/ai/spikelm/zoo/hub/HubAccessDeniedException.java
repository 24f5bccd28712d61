package ai.spikelm.zoo.hub;

/**
 * Thrown when the Hub refuses access (HTTP 401 or 403): a private or gated repository without a
 * token, or with a token that is invalid or lacks access.
 *
 * <p>The message says whether a token was sent, never the token itself.
 */
public final class HubAccessDeniedException extends HubException {

    private static final long serialVersionUID = 1L;

    /** The HTTP status (401 or 403). */
    private final int statusCode;
    /** Whether the request carried a token. */
    private final boolean tokenSent;
    /** Whether the Hub said the repository is gated. */
    private final boolean gated;

    /**
     * Creates the exception.
     *
     * @param model the model
     * @param file the file that was requested
     * @param statusCode the HTTP status, 401 or 403
     * @param tokenSent whether the request carried a token
     * @param gated whether the server said the repository is gated
     * @param detail the server's explanation, or an empty string
     */
    HubAccessDeniedException(
            ModelId model,
            String file,
            int statusCode,
            boolean tokenSent,
            boolean gated,
            String detail) {
        super(
                "Access denied to "
                        + describe(model, file)
                        + " (HTTP "
                        + statusCode
                        + (gated ? ", gated repository" : "")
                        + "): "
                        + (tokenSent
                                ? "a token was sent but was rejected or lacks access"
                                        + (gated
                                                ? "; accept the repository's conditions on the Hub"
                                                : "")
                                : "no token was sent; set HF_TOKEN or"
                                        + " HubClient.builder().optToken(..)")
                        + detail,
                model,
                file,
                null);
        this.statusCode = statusCode;
        this.tokenSent = tokenSent;
        this.gated = gated;
    }

    /**
     * Returns the HTTP status the server answered.
     *
     * @return 401 or 403
     */
    public int statusCode() {
        return statusCode;
    }

    /**
     * Tells whether the refused request carried a token.
     *
     * @return whether a token was sent
     */
    public boolean tokenSent() {
        return tokenSent;
    }

    /**
     * Tells whether the server said the repository is gated (its conditions must be accepted on the
     * Hub before any token gets access).
     *
     * @return whether the repository is gated
     */
    public boolean gated() {
        return gated;
    }
}
