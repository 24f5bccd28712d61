package ai.spikelm.zoo.hub;

/**
 * Receives the progress of file downloads.
 *
 * <p>It is called as data arrives, from an HTTP client thread rather than the thread that asked for
 * the file, so implementations must be thread-safe and quick. After an interrupted transfer
 * resumes, {@code bytesDone} counts the bytes kept from before; after a restart it starts at 0
 * again. Cache hits report nothing.
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * Reports how much of a file is on disk.
     *
     * @param model the model
     * @param file the file within the repository
     * @param bytesDone the bytes downloaded so far
     * @param totalBytes the file size, or -1 if the server did not announce it
     */
    void onProgress(ModelId model, String file, long bytesDone, long totalBytes);

    /**
     * Returns a listener that ignores all progress.
     *
     * @return the listener
     */
    static ProgressListener none() {
        return (model, file, bytesDone, totalBytes) -> {};
    }
}
