package ai.spikelm.zoo.hub;

import java.io.IOException;

/**
 * A failure to get a file from the Hugging Face Hub or its cache.
 *
 * <p>Subclasses name the distinct reasons (repository, revision or file not found, access denied,
 * offline, checksum mismatch, retries exhausted) so that callers can catch them separately; this
 * class itself is thrown for protocol errors, such as a server that is not a Hub or that sends an
 * unsafe file name. Messages never contain the access token.
 */
public class HubException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient ModelId model;
    /** The file of the model, or null for the model as a whole. */
    private final String file;

    /**
     * Creates an exception about a model, or a file of it.
     *
     * @param message the message
     * @param model the model, or {@code null} if the failure concerns none
     * @param file the file within the repository, or {@code null}
     * @param cause the underlying error, or {@code null}
     */
    HubException(String message, ModelId model, String file, Throwable cause) {
        super(message, cause);
        this.model = model;
        this.file = file;
    }

    /**
     * Returns the model (repository and revision) the failure concerns.
     *
     * @return the model, or {@code null} if none
     */
    public ModelId model() {
        return model;
    }

    /**
     * Returns the file within the repository the failure concerns.
     *
     * @return the file, or {@code null} if the failure concerns the whole repository
     */
    public String file() {
        return file;
    }

    /** Describes a file of a model for messages: {@code 'config.json' of 'org/name@main'}. */
    static String describe(ModelId model, String file) {
        String where = "'" + model + "'";
        return file == null ? where : "'" + file + "' of " + where;
    }
}
