package ai.spikelm.zoo.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/**
 * One repository's folder in the cache, laid out as huggingface_hub lays it out so that either can
 * use what the other downloaded:
 *
 * <pre>
 * models--org--name/
 *   blobs/&lt;etag&gt;                    file contents, named by ETag (SHA-256 for LFS files)
 *   snapshots/&lt;commit&gt;/&lt;file&gt;      relative symlinks to the blobs (copies where links fail)
 *   refs/&lt;revision&gt;                 the commit hash a branch or tag pointed to
 *   .no_exist/&lt;commit&gt;/&lt;file&gt;      empty markers for files known to be absent
 * </pre>
 *
 * <p>Every name that reaches a path here has been checked by {@link ModelId} or {@link RepoPaths}.
 */
final class RepoCache {

    private final Path root;

    private RepoCache(Path root) {
        this.root = root;
    }

    /** The folder of a model's repository under a cache directory. */
    static RepoCache of(Path cacheDir, ModelId model) {
        return new RepoCache(
                cacheDir.toAbsolutePath().normalize().resolve(model.cacheFolderName()));
    }

    Path root() {
        return root;
    }

    /**
     * The commit a revision stands for: the revision itself if it is a commit hash, else what its
     * ref file says, if there is one and it holds a commit hash.
     */
    Optional<String> commitFor(String revision) throws IOException {
        if (ModelId.isCommitHash(revision)) {
            return Optional.of(revision);
        }
        Path ref = refFile(revision);
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        // huggingface_hub writes the bare hash; trimming also accepts a hand-written newline.
        String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
        return ModelId.isCommitHash(commit) ? Optional.of(commit) : Optional.empty();
    }

    /** Records that a revision points to a commit, atomically so readers never see half a hash. */
    void writeRef(String revision, String commit) throws IOException {
        if (revision.equals(commit) || commitFor(revision).filter(commit::equals).isPresent()) {
            return;
        }
        Path ref = refFile(revision);
        Files.createDirectories(ref.getParent());
        Path tmp = temporarySibling(ref);
        try {
            Files.writeString(tmp, commit, StandardCharsets.UTF_8);
            moveReplacing(tmp, ref);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private Path refFile(String revision) {
        // A revision such as refs/pr/1 becomes nested folders, as in huggingface_hub.
        return RepoPaths.resolveInside(root.resolve("refs"), revision);
    }

    Path snapshotDir(String commit) {
        return RepoPaths.resolveInside(root.resolve("snapshots"), commit);
    }

    Path snapshotFile(String commit, String file) {
        return RepoPaths.resolveInside(snapshotDir(commit), file);
    }

    /**
     * Tells whether a file of a commit is in the snapshot (a link to an existing blob or a copy).
     */
    boolean hasFile(String commit, String file) {
        return Files.isRegularFile(snapshotFile(commit, file));
    }

    Path blob(String etag) {
        return RepoPaths.resolveInside(root.resolve("blobs"), etag);
    }

    /** Where a blob is downloaded before it is complete; huggingface_hub resumes the same file. */
    Path incomplete(String etag) {
        return RepoPaths.resolveInside(root.resolve("blobs"), etag + ".incomplete");
    }

    Path lockFile(String etag) {
        return RepoPaths.resolveInside(root.resolve("blobs"), etag + ".lock");
    }

    private Path noExistMarker(String commit, String file) {
        return RepoPaths.resolveInside(
                RepoPaths.resolveInside(root.resolve(".no_exist"), commit), file);
    }

    /** Tells whether a file is recorded as absent from a commit. */
    boolean isKnownMissing(String commit, String file) {
        return Files.isRegularFile(noExistMarker(commit, file));
    }

    /** Records that a file is absent from a commit. */
    void markMissing(String commit, String file) throws IOException {
        Path marker = noExistMarker(commit, file);
        Files.createDirectories(marker.getParent());
        try {
            Files.createFile(marker);
        } catch (FileAlreadyExistsException e) {
            // Another thread or process recorded it first.
        }
    }

    /**
     * Makes a snapshot entry for a blob: a relative symlink (such as {@code ../../blobs/<etag>}) so
     * that the cache can be moved, or a copy where the file system or the platform does not allow
     * symlinks. It is built under a temporary name and renamed into place, so concurrent callers
     * each see either no entry or a complete one.
     *
     * @return the snapshot entry
     */
    Path link(String commit, String file, String etag) throws IOException {
        return link(commit, file, etag, true);
    }

    /** As {@link #link(String, String, String)}; tests turn symlinks off to cover the copies. */
    Path link(String commit, String file, String etag, boolean symlinks) throws IOException {
        Path entry = snapshotFile(commit, file);
        Path blob = blob(etag);
        Files.createDirectories(entry.getParent());
        Path tmp = temporarySibling(entry);
        try {
            if (!(symlinks && trySymlink(tmp, entry.getParent().relativize(blob)))) {
                Files.copy(blob, tmp);
            }
            moveReplacing(tmp, entry);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return entry;
    }

    /** Creates a symlink, or returns false where symlinks are not supported or not permitted. */
    private static boolean trySymlink(Path link, Path target) throws IOException {
        try {
            Files.createSymbolicLink(link, target);
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        } catch (FileSystemException e) {
            // On Windows without the symlink privilege; other file system errors reappear in copy.
            return false;
        }
    }

    /** A hidden, unique name next to a file, for building it before renaming it into place. */
    private static Path temporarySibling(Path file) {
        return file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    /** Renames over the target, atomically where the file system can. */
    static void moveReplacing(Path source, Path target) throws IOException {
        try {
            Files.move(
                    source,
                    target,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
