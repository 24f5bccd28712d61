package ai.spikelm.zoo.core;

/** A {@code config.json} that is missing a field, has a wrong or unknown one, or is inconsistent. */
public class InvalidConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the field
     */
    public InvalidConfigException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, naming the field
     * @param cause the underlying error
     */
    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
