package ai.spikelm.zoo.hub;

import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per path within this JVM, dropped when no thread uses it.
 *
 * <p>File locks coordinate processes, but a JVM holds them for the whole process: a second thread
 * asking for the same file lock gets an exception instead of waiting. Threads therefore queue here
 * first, and only the one at the front takes the file lock.
 */
final class KeyedLocks {

    private final ConcurrentHashMap<Path, Entry> entries = new ConcurrentHashMap<>();

    /** A lock and the number of threads holding or waiting for it. */
    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    /** A held lock; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Waits for the lock of a path. */
    Held lock(Path key) throws InterruptedIOException {
        Path k = key.toAbsolutePath().normalize();
        Entry entry =
                entries.compute(
                        k,
                        (path, e) -> {
                            Entry result = e == null ? new Entry() : e;
                            result.users++;
                            return result;
                        });
        try {
            entry.lock.lockInterruptibly();
        } catch (InterruptedException e) {
            release(k);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for " + k);
        }
        return () -> {
            entry.lock.unlock();
            release(k);
        };
    }

    private void release(Path k) {
        entries.compute(k, (path, e) -> --e.users == 0 ? null : e);
    }

    /** The number of paths with users, for tests. */
    int size() {
        return entries.size();
    }
}
