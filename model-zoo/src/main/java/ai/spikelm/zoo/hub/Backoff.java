package ai.spikelm.zoo.hub;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileSystemException;
import java.time.Duration;

/**
 * Decides which failures are worth retrying and how long to wait: exponential backoff from an
 * initial delay, capped so that a few retries never add up to minutes, and bounded in count.
 */
final class Backoff {

    private static final System.Logger LOG = System.getLogger(Backoff.class.getName());

    /** The delay stops doubling at this multiple of the initial one. */
    private static final int MAX_GROWTH = 8;

    /** A server's Retry-After is honoured up to this, so that no answer can stall a caller. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    private final int maxRetries;
    private final Duration initial;

    Backoff(int maxRetries, Duration initial) {
        this.maxRetries = maxRetries;
        this.initial = initial;
    }

    /** Retries allowed after a first failure; failures in a row beyond this are given up on. */
    int maxRetries() {
        return maxRetries;
    }

    /** A call that may fail with an I/O error. */
    @FunctionalInterface
    interface IoCall<T> {
        T call() throws IOException;
    }

    /**
     * Runs a call, retrying transient failures with backoff. A first attempt that cannot connect at
     * all (unknown host, refused, no route) is not retried: waiting does not bring a network back,
     * and the user should hear at once to go offline ({@code HF_HUB_OFFLINE}); a connection lost
     * after the host answered is retried.
     */
    <T> T call(ModelId model, String file, IoCall<T> call) throws IOException {
        int failures = 0;
        while (true) {
            try {
                return call.call();
            } catch (IOException e) {
                if (failures == 0 && cannotConnect(e)) {
                    throw new RetriesExhaustedException(model, file, 1, -1, e);
                }
                failures = afterFailure(model, file, failures, e);
            }
        }
    }

    /** Tells whether a failure means the host could not be reached at all (before any answer). */
    static boolean cannotConnect(IOException e) {
        return e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException;
    }

    /**
     * Handles one more failure in a row: rethrows it if it is not transient, gives up if there were
     * too many, else waits.
     *
     * @return the updated count of failures in a row
     */
    int afterFailure(ModelId model, String file, int failuresBefore, IOException failure)
            throws IOException {
        if (!isTransient(failure)) {
            throw failure;
        }
        int failures = failuresBefore + 1;
        if (failures > maxRetries) {
            int status =
                    failure instanceof TransientHttpException
                            ? ((TransientHttpException) failure).status()
                            : -1;
            throw new RetriesExhaustedException(model, file, failures, status, failure);
        }
        Duration wait = delay(failures, failure);
        LOG.log(
                Level.DEBUG,
                () ->
                        "Retrying "
                                + HubException.describe(model, file)
                                + " in "
                                + wait.toMillis()
                                + " ms after: "
                                + failure);
        sleep(wait);
        return failures;
    }

    /**
     * Tells whether a failure may go away by itself: HTTP 5xx and 429, timeouts and network errors.
     * Hub answers, cache write errors and interruptions are final.
     */
    static boolean isTransient(IOException e) {
        if (Thread.currentThread().isInterrupted()) {
            return false;
        }
        return !(e instanceof HubException
                || e instanceof CacheWriteException
                || e instanceof FileSystemException
                || e instanceof ClosedChannelException
                || (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)));
    }

    /** The wait before the given failure's retry: doubling, capped, or longer if asked. */
    Duration delay(int failures, IOException failure) {
        long factor = 1L << Math.min(failures - 1, 30);
        Duration exponential = initial.multipliedBy(Math.min(factor, MAX_GROWTH));
        if (failure instanceof TransientHttpException) {
            Duration asked = ((TransientHttpException) failure).retryAfter().orElse(Duration.ZERO);
            if (asked.compareTo(MAX_RETRY_AFTER) > 0) {
                asked = MAX_RETRY_AFTER;
            }
            if (asked.compareTo(exponential) > 0) {
                return asked;
            }
        }
        return exponential;
    }

    private static void sleep(Duration wait) throws InterruptedIOException {
        try {
            Thread.sleep(wait.toMillis(), wait.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting to retry");
        }
    }
}
