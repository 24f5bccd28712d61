package ai.spikelm.zoo.hub;

import java.nio.file.Path;

/**
 * Thrown in offline mode ({@code HF_HUB_OFFLINE=1} or {@code optOffline(true)}) when a file is not
 * in the cache, since nothing may be fetched.
 */
public final class HubOfflineException extends HubException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param model the model
     * @param file the file that is not cached
     * @param cacheDir the cache that was searched
     */
    HubOfflineException(ModelId model, String file, Path cacheDir) {
        super(
                "Cannot get "
                        + describe(model, file)
                        + ": offline mode is on (HF_HUB_OFFLINE or optOffline) and the file is not"
                        + " in the cache "
                        + cacheDir,
                model,
                file,
                null);
    }
}
