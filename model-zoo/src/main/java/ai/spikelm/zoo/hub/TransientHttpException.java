package ai.spikelm.zoo.hub;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** An HTTP answer worth retrying: a server error (5xx) or too many requests (429). */
final class TransientHttpException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Duration retryAfter;

    TransientHttpException(String message, int status, Duration retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    int status() {
        return status;
    }

    /** The wait the server asked for in {@code Retry-After}, if it gave one in seconds. */
    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
