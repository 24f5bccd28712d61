package ai.spikelm.zoo.hub;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Hugging Face Hub on loopback, speaking the parts of the protocol the client uses: {@code HEAD}
 * and {@code GET} on {@code /{org}/{name}/resolve/{revision}/{file}} with {@code X-Repo-Commit},
 * {@code ETag} and, for LFS files, a 302 to a CDN on another port with {@code X-Linked-Etag} and
 * {@code X-Linked-Size}; Range requests; the Hub's 404 and 401 answers. Failures can be switched
 * on, and every request is recorded.
 */
final class FakeHub implements AutoCloseable {

    /** One request as the server saw it. */
    record Request(String server, String method, String path, String range, String authorization) {}

    /** A file in a commit. */
    record Entry(byte[] content, boolean lfs) {
        String sha256() {
            return hex(digest("SHA-256", content));
        }

        /** The git blob id, which the Hub sends as the ETag of a regular file. */
        String gitSha1() {
            byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.UTF_8);
            byte[] all = Arrays.copyOf(header, header.length + content.length);
            System.arraycopy(content, 0, all, header.length, content.length);
            return hex(digest("SHA-1", all));
        }

        String etag() {
            return lfs ? sha256() : gitSha1();
        }
    }

    private static final class Repo {
        final Map<String, String> refs = new ConcurrentHashMap<>();
        final Map<String, Map<String, Entry>> commits = new ConcurrentHashMap<>();
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private final AtomicInteger fullBodies = new AtomicInteger();

    // Failure switches; each counts down as it fires.
    final AtomicInteger failHeads = new AtomicInteger();
    final AtomicInteger failGets = new AtomicInteger();
    volatile int failStatus = 500;

    /** Cut the connection of the next full-body transfer after this many bytes (-1: off). */
    final AtomicInteger cutAfterBytes = new AtomicInteger(-1);

    /** Stall the next full-body transfer after this many bytes (-1: off) for stallMillis. */
    final AtomicInteger stallAfterBytes = new AtomicInteger(-1);

    volatile long stallMillis;

    /** Serve wrong bytes (same length) for LFS content. */
    volatile boolean corruptLfs;

    /** Serve the body in chunks with pauses, to widen race windows. */
    volatile long chunkPauseMillis;

    /** Ignore Range headers and always send the whole file. */
    volatile boolean ignoreRange;

    /** Answer as the Hub does for a gated repository whose conditions were not accepted. */
    volatile boolean gated;

    /** Token the hub requires (401 otherwise), or null. */
    volatile String requiredToken;

    /** Bytes of garbage sent after the content of every full body (an oversized body). */
    volatile int extraBodyBytes;

    /** Send full bodies without a length, never ending: the content, then zeros (up to 1 GiB). */
    volatile boolean endlessBody;

    /** Bytes an endless body actually sent before the client hung up. */
    final java.util.concurrent.atomic.AtomicLong endlessBytesSent = new java.util.concurrent.atomic.AtomicLong();

    /** Serve wrong bytes (same length) for regular (non-LFS) content. */
    volatile boolean corruptRegular;

    /** Answer EntryNotFound without the X-Repo-Commit header. */
    volatile boolean omitCommitOnMissing;

    /** Replaces the ETag header of regular files, to test unsafe names. */
    volatile String etagOverride;

    /** Replaces the X-Repo-Commit header, to test unsafe names. */
    volatile String commitOverride;

    FakeHub() throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        hub = HttpServer.create(loopback, 0);
        cdn = HttpServer.create(loopback, 0);
        hub.createContext("/", this::handleHub);
        cdn.createContext("/", this::handleCdn);
        hub.setExecutor(executor);
        cdn.setExecutor(executor);
        hub.start();
        cdn.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    /** The CDN's host name in redirects; another name for loopback makes it another host. */
    volatile String cdnHost = "127.0.0.1";

    private String cdnBase() {
        return "http://" + cdnHost + ":" + cdn.getAddress().getPort();
    }

    /** Adds (or extends) a commit of a repository and points a branch at it. */
    FakeHub commit(String repoId, String branch, String commit, Map<String, Entry> files) {
        Repo repo = repos.computeIfAbsent(repoId, k -> new Repo());
        repo.commits.computeIfAbsent(commit, k -> new ConcurrentHashMap<>()).putAll(files);
        if (branch != null) {
            repo.refs.put(branch, commit);
        }
        return this;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    synchronized void clearRequests() {
        requests.clear();
        fullBodies.set(0);
    }

    /** GETs answered with the whole body (200), by the hub or the CDN. */
    int fullGets() {
        return fullBodies.get();
    }

    /** The Range headers of all requests that had one. */
    List<String> ranges() {
        return requests().stream().map(Request::range).filter(r -> r != null).toList();
    }

    private synchronized void record(String server, HttpExchange ex) {
        Headers h = ex.getRequestHeaders();
        requests.add(
                new Request(
                        server,
                        ex.getRequestMethod(),
                        ex.getRequestURI().getRawPath(),
                        h.getFirst("Range"),
                        h.getFirst("Authorization")));
    }

    private void handleHub(HttpExchange ex) throws IOException {
        try (ex) {
            record("hub", ex);
            boolean head = ex.getRequestMethod().equals("HEAD");
            if (countDown(head ? failHeads : failGets)) {
                send(ex, failStatus, Map.of());
                return;
            }
            String token = requiredToken;
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (token != null && !("Bearer " + token).equals(auth)) {
                // Echoes the credential, as a careless server might, to test that it is redacted.
                send(
                        ex,
                        401,
                        Map.of(
                                "X-Error-Message",
                                auth == null ? "Authentication required" : "Invalid " + auth));
                return;
            }
            if (gated) {
                send(
                        ex,
                        403,
                        Map.of(
                                "X-Error-Code", "GatedRepo",
                                "X-Error-Message", "Access to model is restricted"));
                return;
            }
            serveResolve(ex, head);
        }
    }

    /** {@code /{org}/{name}/resolve/{revision}/{file...}} */
    private void serveResolve(HttpExchange ex, boolean head) throws IOException {
        String[] parts = ex.getRequestURI().getRawPath().split("/", 6);
        if (parts.length < 6 || !parts[3].equals("resolve")) {
            send(ex, 404, Map.of());
            return;
        }
        Repo repo = repos.get(parts[1] + "/" + parts[2]);
        if (repo == null) {
            send(
                    ex,
                    404,
                    Map.of(
                            "X-Error-Code",
                            "RepoNotFound",
                            "X-Error-Message",
                            "Repository not found"));
            return;
        }
        String revision = decode(parts[4]);
        String commit = repo.refs.getOrDefault(revision, revision);
        Map<String, Entry> files = repo.commits.get(commit);
        if (files == null) {
            send(
                    ex,
                    404,
                    Map.of(
                            "X-Error-Code",
                            "RevisionNotFound",
                            "X-Error-Message",
                            "Invalid rev id"));
            return;
        }
        String file = decode(parts[5]);
        Entry entry = files.get(file);
        String commitHeader = commitOverride != null ? commitOverride : commit;
        if (entry == null) {
            Map<String, String> missing = new LinkedHashMap<>();
            missing.put("X-Error-Code", "EntryNotFound");
            missing.put("X-Error-Message", "Entry not found");
            if (!omitCommitOnMissing) {
                missing.put("X-Repo-Commit", commitHeader);
            }
            send(ex, 404, missing);
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Repo-Commit", commitHeader);
        if (entry.lfs()) {
            // As the Hub: the commit and the content's SHA-256 on the redirect to the CDN.
            headers.put("X-Linked-Etag", "\"" + entry.sha256() + "\"");
            headers.put("X-Linked-Size", Long.toString(entry.content().length));
            headers.put("ETag", "\"" + entry.gitSha1() + "\"");
            headers.put("Location", cdnBase() + "/cdn/" + entry.sha256() + "?signature=x");
            send(ex, 302, headers);
            return;
        }
        headers.put("ETag", etagOverride != null ? etagOverride : "W/\"" + entry.gitSha1() + "\"");
        byte[] content = entry.content();
        if (corruptRegular && !head) {
            content = content.clone();
            content[content.length / 2] ^= 1;
        }
        serveContent(ex, content, head, headers);
    }

    private void handleCdn(HttpExchange ex) throws IOException {
        try (ex) {
            record("cdn", ex);
            if (!ex.getRequestMethod().equals("HEAD") && countDown(failGets)) {
                send(ex, failStatus, Map.of());
                return;
            }
            String sha = ex.getRequestURI().getRawPath().replaceFirst("^/cdn/", "");
            Entry entry = findBySha(sha);
            if (entry == null) {
                send(ex, 404, Map.of());
                return;
            }
            byte[] content = entry.content();
            if (corruptLfs) {
                content = content.clone();
                content[content.length / 2] ^= 1;
            }
            serveContent(ex, content, ex.getRequestMethod().equals("HEAD"), new LinkedHashMap<>());
        }
    }

    private Entry findBySha(String sha) {
        for (Repo repo : repos.values()) {
            for (Map<String, Entry> files : repo.commits.values()) {
                for (Entry e : files.values()) {
                    if (e.lfs() && e.sha256().equals(sha)) {
                        return e;
                    }
                }
            }
        }
        return null;
    }

    /** Sends content, honouring {@code Range: bytes=N-}, and applying cuts and stalls. */
    private void serveContent(
            HttpExchange ex, byte[] content, boolean head, Map<String, String> headers)
            throws IOException {
        headers.put("Accept-Ranges", "bytes");
        String range = ignoreRange ? null : ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        int status = 200;
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            if (from >= content.length) {
                headers.put("Content-Range", "bytes */" + content.length);
                send(ex, 416, headers);
                return;
            }
            status = 206;
            headers.put(
                    "Content-Range",
                    "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
        }
        int length = content.length - from;
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        if (head) {
            // A HEAD answer states the length without sending a body.
            ex.getResponseHeaders().set("Content-Length", Integer.toString(length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        if (status == 200) {
            fullBodies.incrementAndGet();
        }
        if (status == 200 && endlessBody) {
            sendEndless(ex, content);
            return;
        }
        int extra = status == 200 ? extraBodyBytes : 0;
        if (extra > 0) {
            ex.sendResponseHeaders(status, length + (long) extra);
            OutputStream out = ex.getResponseBody();
            out.write(content);
            out.write(new byte[extra]);
            out.flush();
            return;
        }
        ex.sendResponseHeaders(status, length);
        OutputStream out = ex.getResponseBody();
        int cut = status == 200 ? cutAfterBytes.getAndSet(-1) : -1;
        int stall = status == 200 ? stallAfterBytes.getAndSet(-1) : -1;
        int limit = cut >= 0 ? cut : stall >= 0 ? stall : length;
        writeChunked(out, content, from, limit);
        if (cut >= 0) {
            // Throwing makes the server drop the connection mid-body.
            throw new IOException("cut after " + cut + " bytes");
        }
        if (stall >= 0) {
            sleep(stallMillis);
            throw new IOException("stalled after " + stall + " bytes");
        }
    }

    /** The content and then zeros, chunked, until the client hangs up or 1 GiB has gone. */
    private void sendEndless(HttpExchange ex, byte[] content) throws IOException {
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write(content);
        byte[] zeros = new byte[64 * 1024];
        long sent = content.length;
        try {
            while (sent < (1L << 30)) {
                out.write(zeros);
                out.flush();
                sent += zeros.length;
            }
        } finally {
            endlessBytesSent.set(sent);
        }
    }

    private void writeChunked(OutputStream out, byte[] content, int from, int count)
            throws IOException {
        long pause = chunkPauseMillis;
        int chunk = pause > 0 ? Math.max(1, count / 8) : Math.max(1, count);
        for (int off = 0; off < count; off += chunk) {
            out.write(content, from + off, Math.min(chunk, count - off));
            out.flush();
            if (pause > 0) {
                sleep(pause);
            }
        }
        out.flush();
    }

    private static void send(HttpExchange ex, int status, Map<String, String> headers)
            throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, -1);
    }

    private static boolean countDown(AtomicInteger counter) {
        return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
