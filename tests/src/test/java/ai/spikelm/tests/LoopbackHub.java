package ai.spikelm.tests;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Hugging Face Hub on loopback serving one model directory as {@code org/name} at {@code main}
 * (commit {@link #COMMIT}): {@code /org/name/resolve/<revision>/<file>} with {@code X-Repo-Commit}
 * and {@code ETag} headers.
 */
final class LoopbackHub implements AutoCloseable {

    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private final HttpServer server;
    private final AtomicInteger bodies = new AtomicInteger();

    LoopbackHub(String repo, Path dir) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/" + repo + "/resolve/", ex -> serve(ex, repo, dir));
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Number of file bodies sent. */
    int bodies() {
        return bodies.get();
    }

    private void serve(HttpExchange ex, String repo, Path dir) throws IOException {
        try (ex) {
            // /org/name/resolve/{main or the commit}/{file}: the client pins later files to the commit.
            String rest = ex.getRequestURI().getPath().substring(("/" + repo + "/resolve/").length());
            String revision = rest.substring(0, Math.max(rest.indexOf('/'), 0));
            String file = rest.substring(revision.length() + 1);
            Path path = dir.resolve(file).normalize();
            ex.getResponseHeaders().set("X-Repo-Commit", COMMIT);
            if (!(revision.equals("main") || revision.equals(COMMIT))) {
                ex.getResponseHeaders().set("X-Error-Code", "RevisionNotFound");
                ex.sendResponseHeaders(404, -1);
                return;
            }
            if (!path.startsWith(dir) || !Files.isRegularFile(path)) {
                ex.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
                ex.sendResponseHeaders(404, -1);
                return;
            }
            byte[] content = Files.readAllBytes(path);
            ex.getResponseHeaders().set("ETag", "\"" + gitBlobSha1(content) + "\""); // what the Hub sends for a small file
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Content-Length", Integer.toString(content.length));
                ex.sendResponseHeaders(200, -1);
                return;
            }
            bodies.incrementAndGet();
            ex.sendResponseHeaders(200, content.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(content);
            }
        }
    }

    private static String gitBlobSha1(byte[] content) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + content.length + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha1.digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
