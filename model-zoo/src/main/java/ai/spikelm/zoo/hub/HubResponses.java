package ai.spikelm.zoo.hub;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/** Reads Hub responses: file metadata from the headers, and errors as exceptions. */
final class HubResponses {

    static final String REPO_COMMIT = "X-Repo-Commit";
    static final String LINKED_ETAG = "X-Linked-Etag";
    static final String LINKED_SIZE = "X-Linked-Size";
    static final String ERROR_CODE = "X-Error-Code";
    static final String ERROR_MESSAGE = "X-Error-Message";

    private HubResponses() {}

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /**
     * Tells whether a response carries the Hub's file headers, so redirects need not be followed.
     */
    static boolean hasFileHeaders(HttpHeaders headers) {
        return headers.firstValue(REPO_COMMIT).isPresent()
                && (headers.firstValue(LINKED_ETAG).isPresent()
                        || headers.firstValue("ETag").isPresent());
    }

    /**
     * Reads a file's metadata from the first response that has it (which may be a redirect to a
     * CDN, whose own headers describe the CDN object rather than the repository file).
     *
     * @param status the status of that response, since a redirect's Content-Length is its own
     * @param contentUri where the content is to be fetched from
     * @throws HubException if a header is missing or names an unsafe path
     */
    static FileMetadata metadata(
            HttpHeaders headers, int status, URI contentUri, ModelId model, String file)
            throws HubException {
        String commit = headers.firstValue(REPO_COMMIT).orElse(null);
        Optional<String> linked = headers.firstValue(LINKED_ETAG).map(HubResponses::normalizeEtag);
        String etag =
                linked.or(() -> headers.firstValue("ETag").map(HubResponses::normalizeEtag))
                        .orElse(null);
        if (commit == null || etag == null) {
            throw new HubException(
                    "The server sent no "
                            + (commit == null ? REPO_COMMIT : "ETag")
                            + " header for "
                            + HubException.describe(model, file)
                            + "; is the endpoint a Hugging Face Hub?",
                    model,
                    file,
                    null);
        }
        if (!ModelId.isCommitHash(commit)) {
            // It names a snapshot folder and a ref's content: anything but a commit hash is a
            // server that is not the Hub (or a hostile one), and must not reach the cache.
            throw new HubException(
                    "The server sent "
                            + RepoPaths.quote(commit)
                            + " as the commit of "
                            + HubException.describe(model, file)
                            + "; a commit hash is 40 lower-case hex digits",
                    model,
                    file,
                    null);
        }
        checkServerName(etag, "ETag", model, file);
        OptionalLong size = longHeader(headers, LINKED_SIZE);
        if (size.isEmpty() && status >= 200 && status < 300) {
            size = longHeader(headers, "Content-Length");
        }
        if (size.isEmpty()) {
            // Without an announced size a body could be endless: refuse rather than fill the disk.
            throw new HubException(
                    "The server announced no size (Content-Length or "
                            + LINKED_SIZE
                            + ") for "
                            + HubException.describe(model, file)
                            + "; refusing a download of unknown length",
                    model,
                    file,
                    null);
        }
        return new FileMetadata(commit, etag, size.getAsLong(), contentUri);
    }

    /** Strips the weak-validator prefix and the quotes, as huggingface_hub does. */
    static String normalizeEtag(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    /** Refuses a server-sent name that would not be a single safe path segment in the cache. */
    private static void checkServerName(String value, String what, ModelId model, String file)
            throws HubException {
        if (!RepoPaths.isSafeName(value)) {
            throw new HubException(
                    "The server sent an unsafe "
                            + what
                            + " "
                            + RepoPaths.quote(value)
                            + " for "
                            + HubException.describe(model, file)
                            + "; refusing to use it as a cache path",
                    model,
                    file,
                    null);
        }
    }

    /**
     * Turns an error response into the exception that names its reason.
     *
     * @param tokenSent whether the request carried a token, for the messages' hints
     * @param redact removes the token from text that came from the server
     */
    static IOException failure(
            int status,
            HttpHeaders headers,
            ModelId model,
            String file,
            boolean tokenSent,
            UnaryOperator<String> redact) {
        String code = headers.firstValue(ERROR_CODE).orElse("");
        String detail =
                headers.firstValue(ERROR_MESSAGE)
                        .map(m -> " (server: " + RepoPaths.quote(redact.apply(m)) + ")")
                        .orElse("");
        switch (code) {
            case "RepoNotFound":
                return new RepositoryNotFoundException(model, file, tokenSent, detail);
            case "RevisionNotFound":
                return new RevisionNotFoundException(model, file, detail);
            case "EntryNotFound":
                return new EntryNotFoundException(model, file, commitOf(headers), detail);
            case "GatedRepo":
                return new HubAccessDeniedException(model, file, status, tokenSent, true, detail);
            default:
                break;
        }
        if (status == 401 || status == 403) {
            return new HubAccessDeniedException(model, file, status, tokenSent, false, detail);
        }
        if (status == 404 && commitOf(headers) != null) {
            // The revision resolved to a commit, so the repository exists: the file does not.
            return new EntryNotFoundException(model, file, commitOf(headers), detail);
        }
        if (status == 404) {
            return new RepositoryNotFoundException(model, file, tokenSent, detail);
        }
        if (status == 429 || status >= 500) {
            return new TransientHttpException(
                    "HTTP " + status + " for " + HubException.describe(model, file) + detail,
                    status,
                    retryAfter(headers).orElse(null));
        }
        return new HubException(
                "Unexpected HTTP " + status + " for " + HubException.describe(model, file) + detail,
                model,
                file,
                null);
    }

    /** The {@code X-Repo-Commit} of a response if it is a commit hash, else {@code null}. */
    private static String commitOf(HttpHeaders headers) {
        return headers.firstValue(REPO_COMMIT).filter(ModelId::isCommitHash).orElse(null);
    }

    /** {@code Retry-After} in seconds; the HTTP-date form is rare here and ignored. */
    private static Optional<Duration> retryAfter(HttpHeaders headers) {
        OptionalLong seconds = longHeader(headers, "Retry-After");
        return seconds.isPresent() && seconds.getAsLong() >= 0
                ? Optional.of(Duration.ofSeconds(seconds.getAsLong()))
                : Optional.empty();
    }

    /** A non-negative number header, or empty if it is absent or not a number. */
    private static OptionalLong longHeader(HttpHeaders headers, String name) {
        try {
            OptionalLong value = headers.firstValueAsLong(name);
            return value.isPresent() && value.getAsLong() < 0 ? OptionalLong.empty() : value;
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The start of a {@code Content-Range: bytes start-end/total}, or -1 if unreadable. */
    static long rangeStart(HttpHeaders headers) {
        String range = headers.firstValue("Content-Range").orElse("").strip();
        if (!range.startsWith("bytes ")) {
            return -1;
        }
        int dash = range.indexOf('-');
        if (dash < 0) {
            return -1;
        }
        try {
            return Long.parseLong(range.substring(6, dash).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
