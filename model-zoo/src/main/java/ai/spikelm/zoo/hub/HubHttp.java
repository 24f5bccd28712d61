package ai.spikelm.zoo.hub;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The client's HTTP exchanges with the Hub: file metadata by HEAD, content by GET from an offset.
 *
 * <p>Redirects are followed here rather than by the JDK client because the Hub puts the file's
 * commit and ETag on its own redirect response, which an automatic redirect would hide, and because
 * the token must only go to the configured endpoint, never to the CDN it redirects to.
 */
final class HubHttp {

    private static final int MAX_REDIRECTS = 10;
    private static final String USER_AGENT = "spikelm-hub/0.1; java/" + Runtime.version().feature();

    private final HttpClient client;
    private final URI endpoint;
    private final String token;
    private final Duration timeout;
    private final Backoff backoff;

    HubHttp(HttpClient client, URI endpoint, String token, Duration timeout, Backoff backoff) {
        this.client = client;
        this.endpoint = endpoint;
        this.token = token;
        this.timeout = timeout;
        this.backoff = backoff;
    }

    /** The JDK client the Hub client uses: HTTP/1.1, no automatic redirects, a connect timeout. */
    static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                // HTTP/1.1 so that aborting a stalled body closes just that connection.
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .proxy(ProxySelector.getDefault())
                .build();
    }

    /** {@code {endpoint}/{repo}/resolve/{revision}/{file}}, each part percent-encoded. */
    URI resolveUri(ModelId model, String revision, String file) {
        return URI.create(
                endpoint
                        + "/"
                        + model.repoId()
                        + "/resolve/"
                        + UrlPaths.encodeSegment(revision)
                        + "/"
                        + UrlPaths.encodePath(file));
    }

    /**
     * Asks for a file's metadata with HEAD, retrying transient failures.
     *
     * @throws HubException if the Hub refuses, or answers without the file headers
     */
    FileMetadata metadata(ModelId model, String revision, String file) throws IOException {
        URI uri = resolveUri(model, revision, file);
        return backoff.call(model, file, () -> headOnce(uri, model, file));
    }

    /**
     * One HEAD exchange, following redirects until a response carries the file headers (a renamed
     * repository redirects to its new name first; an LFS file then redirects to the CDN).
     */
    private FileMetadata headOnce(URI uri, ModelId model, String file) throws IOException {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest request =
                    request(current).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<Void> response = send(request);
            int status = response.statusCode();
            HttpHeaders headers = response.headers();
            if (HubResponses.isRedirect(status)) {
                URI next = location(current, headers, model, file);
                if (HubResponses.hasFileHeaders(headers)) {
                    return HubResponses.metadata(headers, status, next, model, file);
                }
                current = next;
            } else if (status >= 200 && status < 300) {
                return HubResponses.metadata(headers, status, current, model, file);
            } else {
                throw HubResponses.failure(
                        status, headers, model, file, sendsToken(current), this::redact);
            }
        }
        throw tooManyRedirects(model, file);
    }

    private HttpResponse<Void> send(HttpRequest request) throws IOException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while asking " + request.uri().getHost());
        }
    }

    /** How one content GET ended. */
    enum GetResult {
        /** The body was written completely. */
        COMPLETE,
        /** The server refused the Range (416, or 206 from another offset); start over from 0. */
        RANGE_REFUSED
    }

    /**
     * One GET of file content into a channel, from {@code offset} (with a Range header) or from the
     * start if the server ignores the Range. Not retried here: the caller decides, knowing how much
     * arrived. A body that stalls for longer than the timeout is aborted, and one that goes past
     * the announced size is cut there and fails with a {@link ChecksumMismatchException}.
     *
     * @param size the file's announced size, which the body must not exceed
     * @param position told the file position after each write, for progress
     */
    GetResult get(
            URI uri,
            long offset,
            long size,
            Path file,
            FileChannel channel,
            LongConsumer position,
            ModelId model,
            String repoFile)
            throws IOException {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder builder = request(current).GET();
            if (offset > 0) {
                builder.header("Range", "bytes=" + offset + "-");
            }
            AtomicReference<FileBodySubscriber> body = new AtomicReference<>();
            HttpResponse<Void> response =
                    await(
                            client.sendAsync(
                                    builder.build(),
                                    info ->
                                            subscriber(
                                                    info,
                                                    offset,
                                                    file,
                                                    channel,
                                                    position,
                                                    body,
                                                    size,
                                                    () ->
                                                            new ChecksumMismatchException(
                                                                    model,
                                                                    repoFile,
                                                                    "Size",
                                                                    size + " bytes",
                                                                    "a longer body (reading stopped"
                                                                            + " at the announced"
                                                                            + " size)"))),
                            body,
                            current);
            int status = response.statusCode();
            if (status == 200 || status == 206) {
                return body.get() == null ? GetResult.RANGE_REFUSED : GetResult.COMPLETE;
            }
            if (status == 416) {
                return GetResult.RANGE_REFUSED;
            }
            if (!HubResponses.isRedirect(status)) {
                throw HubResponses.failure(
                        status,
                        response.headers(),
                        model,
                        repoFile,
                        sendsToken(current),
                        this::redact);
            }
            current = location(current, response.headers(), model, repoFile);
        }
        throw tooManyRedirects(model, repoFile);
    }

    /**
     * Chooses where a response body goes once its headers are in: the file for 200 (from the start)
     * and for a 206 that starts at the requested offset; nowhere otherwise.
     */
    private static BodySubscriber<Void> subscriber(
            HttpResponse.ResponseInfo info,
            long offset,
            Path file,
            FileChannel channel,
            LongConsumer position,
            AtomicReference<FileBodySubscriber> body,
            long size,
            Supplier<IOException> tooLong) {
        int status = info.statusCode();
        long start;
        if (status == 200) {
            start = 0;
        } else if (status == 206 && HubResponses.rangeStart(info.headers()) == offset) {
            start = offset;
        } else {
            return BodySubscribers.discarding();
        }
        FileBodySubscriber subscriber =
                new FileBodySubscriber(file, channel, start, position, size, tooLong);
        body.set(subscriber);
        return subscriber;
    }

    /**
     * Waits for a response and its body, aborting the transfer if no data arrives for longer than
     * the timeout (the request timeout covers only the wait for the headers).
     */
    private HttpResponse<Void> await(
            CompletableFuture<HttpResponse<Void>> pending,
            AtomicReference<FileBodySubscriber> body,
            URI uri)
            throws IOException {
        long pollMillis = Math.max(5, Math.min(1000, timeout.toMillis() / 4));
        try {
            while (true) {
                try {
                    return pending.get(pollMillis, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    FileBodySubscriber subscriber = body.get();
                    if (subscriber != null && subscriber.idleNanos() > timeout.toNanos()) {
                        subscriber.abort(
                                new HttpTimeoutException(
                                        "No data from "
                                                + uri.getHost()
                                                + " for "
                                                + timeout.toMillis()
                                                + " ms"));
                        pending.cancel(true);
                    }
                }
            }
        } catch (ExecutionException | CompletionException e) {
            throw asIOException(e.getCause());
        } catch (CancellationException e) {
            throw new HttpTimeoutException(
                    "No data from " + uri.getHost() + " for " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            FileBodySubscriber subscriber = body.get();
            if (subscriber != null) {
                subscriber.abort(new InterruptedIOException("Interrupted"));
            }
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while downloading from " + uri.getHost());
        }
    }

    private static IOException asIOException(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof IOException) {
            return (IOException) cause;
        }
        if (cause instanceof UncheckedIOException) {
            return ((UncheckedIOException) cause).getCause();
        }
        return new IOException(String.valueOf(cause), cause);
    }

    /** A request with the client's headers, and the token if it goes to the endpoint. */
    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(uri)
                        .timeout(timeout)
                        .header("User-Agent", USER_AGENT)
                        // Sizes and checksums are of the stored bytes, not of a compressed form.
                        .header("Accept-Encoding", "identity");
        if (sendsToken(uri)) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** The token goes only to the endpoint's origin, never to a CDN or another host. */
    private boolean sendsToken(URI uri) {
        return token != null && sameOrigin(uri, endpoint);
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null
                && a.getHost().toLowerCase(Locale.ROOT).equals(b.getHost().toLowerCase(Locale.ROOT))
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** The redirect target, resolved against the current address. */
    private static URI location(URI current, HttpHeaders headers, ModelId model, String file)
            throws HubException {
        String location = headers.firstValue("Location").orElse(null);
        if (location == null) {
            throw new HubException(
                    "Redirect without a Location for " + HubException.describe(model, file),
                    model,
                    file,
                    null);
        }
        URI next;
        try {
            next = current.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new HubException(
                    "Invalid redirect "
                            + RepoPaths.quote(location)
                            + " for "
                            + HubException.describe(model, file),
                    model,
                    file,
                    e);
        }
        String scheme = Objects.requireNonNullElse(next.getScheme(), "");
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            throw new HubException(
                    "Redirect to a non-HTTP address "
                            + RepoPaths.quote(location)
                            + " for "
                            + HubException.describe(model, file),
                    model,
                    file,
                    null);
        }
        return next;
    }

    private static HubException tooManyRedirects(ModelId model, String file) {
        return new HubException(
                "More than "
                        + MAX_REDIRECTS
                        + " redirects for "
                        + HubException.describe(model, file),
                model,
                file,
                null);
    }

    /** Removes the token from text that came from elsewhere, before it reaches a message. */
    String redact(String text) {
        return token == null || text == null ? text : text.replace(token, "***");
    }

    /** Whether requests to the endpoint carry a token, for messages. */
    boolean hasToken() {
        return token != null;
    }
}
