package ai.spikelm.zoo.hub;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A failure to write into the cache while downloading (a full disk, say), told apart from network
 * failures because retrying the request would not help.
 */
final class CacheWriteException extends IOException {

    private static final long serialVersionUID = 1L;

    CacheWriteException(Path file, IOException cause) {
        super("Cannot write " + file + ": " + cause.getMessage(), cause);
    }
}
