package ai.spikelm.zoo.hub;

import java.net.URI;
import java.util.Optional;

/**
 * What the Hub says about a file before it is downloaded.
 *
 * @param commit the commit the revision resolved to ({@code X-Repo-Commit})
 * @param etag the blob name: {@code X-Linked-Etag} for LFS files, else {@code ETag}, unquoted
 * @param sha256 the SHA-256 to verify, for LFS files whose linked ETag is one, else {@code null}
 * @param size the size in bytes, or -1 if not announced
 * @param contentUri where to GET the content (a CDN address when the Hub redirects)
 */
record FileMetadata(String commit, String etag, String sha256, long size, URI contentUri) {

    Optional<String> expectedSha256() {
        return Optional.ofNullable(sha256);
    }
}
