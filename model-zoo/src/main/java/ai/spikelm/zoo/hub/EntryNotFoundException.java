package ai.spikelm.zoo.hub;

/**
 * Thrown when a repository and revision exist but do not contain the requested file.
 *
 * <p>The Hub reports the commit it looked at; the client records the absence under that commit in
 * the cache (as huggingface_hub does, in {@code .no_exist}) so that optional files are not asked
 * for again.
 */
public final class EntryNotFoundException extends HubException {

    private static final long serialVersionUID = 1L;

    /** The commit that was looked in. */
    private final String commit;

    /** The server's explanation, or an empty string. */
    private final String detail;

    /**
     * Creates the exception.
     *
     * @param model the model
     * @param file the missing file
     * @param commit the commit the server looked at, or {@code null} if it did not say
     * @param detail the server's explanation, or an empty string
     */
    EntryNotFoundException(ModelId model, String file, String commit, String detail) {
        super(
                "File '"
                        + file
                        + "' not found in repository '"
                        + model.repoId()
                        + "' at revision '"
                        + model.revision()
                        + "'"
                        + detail,
                model,
                file,
                null);
        this.commit = commit;
        this.detail = detail;
    }

    /** The same absence, known to be at a commit (the one the request named). */
    EntryNotFoundException atCommit(String knownCommit) {
        return new EntryNotFoundException(model(), file(), knownCommit, detail);
    }

    /** The commit at which the file is absent, or {@code null} if unknown. */
    String commit() {
        return commit;
    }
}
