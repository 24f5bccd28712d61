package ai.spikelm.zoo.hub;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the Hub says about a file before it is downloaded.
 *
 * @param commit the commit the revision resolved to ({@code X-Repo-Commit}), 40 hex digits
 * @param etag the blob name: {@code X-Linked-Etag} for LFS files, else {@code ETag}, unquoted
 * @param size the size in bytes announced by the server
 * @param contentUri where to GET the content (a CDN address when the Hub redirects)
 */
record FileMetadata(String commit, String etag, long size, URI contentUri) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

    /** How a file's content is checked against its ETag. */
    enum HashKind {
        /** The ETag is the SHA-256 of the content (LFS files). */
        SHA256("SHA-256"),
        /** The ETag is the git blob id: SHA-1 of {@code "blob <size>\0"} and the content. */
        GIT_BLOB_SHA1("git blob SHA-1");

        private final String label;

        HashKind(String label) {
            this.label = label;
        }

        /** How the hash is named in messages. */
        String label() {
            return label;
        }
    }

    /**
     * The hash the ETag is, if it is one: 64 hex digits are a SHA-256 (the Hub's LFS ETags), 40 a
     * git blob SHA-1 (its ETags of regular files). Any other ETag cannot be checked, and only the
     * size is.
     */
    Optional<HashKind> hashKind() {
        String hex = expectedHash();
        if (SHA256.matcher(hex).matches()) {
            return Optional.of(HashKind.SHA256);
        }
        if (SHA1.matcher(hex).matches()) {
            return Optional.of(HashKind.GIT_BLOB_SHA1);
        }
        return Optional.empty();
    }

    /** The ETag as a lower-case hex digest, for comparison with a computed one. */
    String expectedHash() {
        return etag.toLowerCase(Locale.ROOT);
    }
}
