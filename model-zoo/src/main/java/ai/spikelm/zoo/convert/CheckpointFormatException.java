package ai.spikelm.zoo.convert;

import java.io.IOException;

/**
 * Signals a checkpoint file that is malformed, truncated, of an unsupported variant, or that
 * lacks tensors a BERT model needs. The message names the file or tensor at fault.
 */
public class CheckpointFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, and where
     */
    public CheckpointFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the low-level error that revealed the problem.
     *
     * @param message what is wrong, and where
     * @param cause the underlying error
     */
    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
