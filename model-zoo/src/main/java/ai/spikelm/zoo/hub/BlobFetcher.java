package ai.spikelm.zoo.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Downloads one blob into the cache: under a lock, into {@code <etag>.incomplete}, resuming what an
 * earlier attempt (of this or another process, huggingface_hub included) left, then verified and
 * renamed into place. A blob is therefore either absent or complete and verified: its size is the
 * announced one and, when the ETag is a content hash (SHA-256 for LFS files, the git blob SHA-1 for
 * regular ones), so is its hash. A resumed partial that fails the check is discarded and the file
 * fetched once more from the start, since the partial may have been garbage.
 */
final class BlobFetcher {

    // One set for the JVM: several clients may share a cache directory.
    private static final KeyedLocks LOCKS = new KeyedLocks();

    private static final int HASH_BUFFER_BYTES = 1 << 20;

    private final HubHttp http;
    private final Backoff backoff;
    private final ProgressListener progress;

    BlobFetcher(HubHttp http, Backoff backoff, ProgressListener progress) {
        this.http = http;
        this.backoff = backoff;
        this.progress = progress;
    }

    /**
     * Makes sure the blob a file's metadata names is in the cache.
     *
     * <p>Threads of this JVM queue on an in-memory lock, then the one at the front takes a file
     * lock on {@code blobs/<etag>.lock} against other processes; whoever gets it looks again, since
     * the blob may have been completed meanwhile.
     */
    @SuppressWarnings("try") // The in-memory lock is held for the block, not used in it.
    void fetch(RepoCache cache, FileMetadata meta, ModelId model, String file) throws IOException {
        Path blob = cache.blob(meta.etag());
        if (Files.isRegularFile(blob)) {
            return;
        }
        Path lockFile = cache.lockFile(meta.etag());
        Files.createDirectories(lockFile.getParent());
        try (KeyedLocks.Held held = LOCKS.lock(lockFile);
                FileChannel lockChannel =
                        FileChannel.open(
                                lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = lockChannel.lock();
            try {
                if (Files.isRegularFile(blob)) {
                    return;
                }
                Path incomplete = cache.incomplete(meta.etag());
                boolean resumed = Files.isRegularFile(incomplete) && Files.size(incomplete) > 0;
                try {
                    download(meta, incomplete, model, file);
                    verify(meta, incomplete, model, file);
                } catch (ChecksumMismatchException e) {
                    Files.deleteIfExists(incomplete);
                    if (!resumed) {
                        throw e;
                    }
                    // The bytes an earlier attempt left may have been wrong: once more, from zero.
                    download(meta, incomplete, model, file);
                    verify(meta, incomplete, model, file);
                }
                RepoCache.moveReplacing(incomplete, blob);
            } finally {
                lock.release();
            }
        }
    }

    /**
     * Fills the incomplete file, resuming from its current length and retrying transient failures;
     * failures in a row are bounded, and an attempt that brought data resets the count.
     */
    private void download(FileMetadata meta, Path incomplete, ModelId model, String file)
            throws IOException {
        long size = meta.size();
        try (FileChannel channel =
                FileChannel.open(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            int failures = 0;
            while (true) {
                long have = channel.size();
                if (have == size) {
                    break;
                }
                if (have > size) {
                    // Longer than the file: not a prefix of it, so start over.
                    channel.truncate(0);
                    have = 0;
                }
                try {
                    HubHttp.GetResult result =
                            http.get(
                                    meta.contentUri(),
                                    have,
                                    size,
                                    incomplete,
                                    channel,
                                    position -> progress.onProgress(model, file, position, size),
                                    model,
                                    file);
                    if (result == HubHttp.GetResult.RANGE_REFUSED) {
                        channel.truncate(0);
                        throw new IOException("The server would not resume at byte " + have);
                    }
                    long got = channel.size();
                    if (got < size) {
                        throw new IOException("The transfer ended at byte " + got + " of " + size);
                    }
                    break;
                } catch (IOException e) {
                    boolean progressed = channel.isOpen() && channel.size() > have;
                    failures = backoff.afterFailure(model, file, progressed ? 0 : failures, e);
                }
            }
            // On disk before the rename publishes it.
            channel.force(false);
        }
    }

    /**
     * Checks the size and, when the ETag is a content hash, the hash; a mismatch deletes the
     * incomplete file so that nothing wrong is ever cached or resumed from.
     */
    private static void verify(FileMetadata meta, Path incomplete, ModelId model, String file)
            throws IOException {
        long got = Files.size(incomplete);
        if (got != meta.size()) {
            Files.deleteIfExists(incomplete);
            throw new ChecksumMismatchException(
                    model, file, "Size", meta.size() + " bytes", got + " bytes");
        }
        if (meta.hashKind().isPresent()) {
            FileMetadata.HashKind kind = meta.hashKind().get();
            String expected = meta.expectedHash();
            String actual =
                    kind == FileMetadata.HashKind.SHA256
                            ? hash(incomplete, "SHA-256", null)
                            : hash(incomplete, "SHA-1", "blob " + got + "\0");
            if (!actual.equals(expected)) {
                Files.deleteIfExists(incomplete);
                throw new ChecksumMismatchException(model, file, kind.label(), expected, actual);
            }
        }
    }

    /**
     * Hashes a header (git's {@code "blob <size>\0"}, or none) followed by the whole file, rather
     * than the bytes as they arrive, since part of the file may come from an earlier attempt or
     * another process.
     *
     * @param algorithm a {@link MessageDigest} algorithm every Java platform has
     */
    private static String hash(Path file, String algorithm, String header) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has " + algorithm, e);
        }
        if (header != null) {
            digest.update(header.getBytes(StandardCharsets.US_ASCII));
        }
        ByteBuffer buffer = ByteBuffer.allocate(HASH_BUFFER_BYTES);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
