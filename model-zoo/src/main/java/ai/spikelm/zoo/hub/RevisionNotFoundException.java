package ai.spikelm.zoo.hub;

/** Thrown when a repository exists but has no branch, tag or commit with the requested name. */
public final class RevisionNotFoundException extends HubException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param model the model, whose revision was not found
     * @param file the file that was requested
     * @param detail the server's explanation, or an empty string
     */
    RevisionNotFoundException(ModelId model, String file, String detail) {
        super(
                "Revision '"
                        + model.revision()
                        + "' not found in repository '"
                        + model.repoId()
                        + "' (requested "
                        + describe(model, file)
                        + ")"
                        + detail,
                model,
                file,
                null);
    }
}
