package ai.spikelm.zoo.family;

/**
 * A model that no registered family reads ({@code model_type} unknown or missing), or that cannot be
 * loaded as the kind a caller needs (a causal language model asked to embed sentences, say). The
 * message names the model and lists what would work.
 */
public class UnsupportedModelException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is unsupported and what is known
     */
    public UnsupportedModelException(String message) {
        super(message);
    }
}
