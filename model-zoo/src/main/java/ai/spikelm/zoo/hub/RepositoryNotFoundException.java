package ai.spikelm.zoo.hub;

/**
 * Thrown when the Hub knows no repository with the requested id, or hides a private one from a
 * client without access (the Hub answers both the same way).
 */
public final class RepositoryNotFoundException extends HubException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param model the model
     * @param file the file that was requested
     * @param tokenSent whether the request carried a token, for the hint in the message
     * @param detail the server's explanation, or an empty string
     */
    RepositoryNotFoundException(ModelId model, String file, boolean tokenSent, String detail) {
        super(
                "Repository '"
                        + model.repoId()
                        + "' not found (requested "
                        + describe(model, file)
                        + ")"
                        + (tokenSent
                                ? "; a token was sent"
                                : "; no token was sent: if the repository is private, set HF_TOKEN"
                                        + " or HubClient.builder().optToken(..)")
                        + detail,
                model,
                file,
                null);
    }
}
