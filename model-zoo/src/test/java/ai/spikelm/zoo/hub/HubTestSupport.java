package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

/** A fake Hub with one small model, and a client pointed at it with a fresh cache. */
abstract class HubTestSupport {

    static final String REPO = "acme/tiny-bert";
    static final String COMMIT = "4b1c8f2e9d3a7c6b5e0f1a2b3c4d5e6f70819203";
    static final byte[] CONFIG = "{\"hidden_size\": 8}\n".getBytes();
    static final byte[] TOKENIZER = "{\"model\": {\"vocab\": {}}}\n".getBytes();
    static final byte[] ONNX = "not really onnx".getBytes();

    /** Large enough to arrive in several pieces, stored in LFS. */
    static final byte[] WEIGHTS = randomBytes(300_000);

    @TempDir Path cache;
    FakeHub hub;

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        hub.commit(
                REPO,
                "main",
                COMMIT,
                Map.of(
                        "config.json", new FakeHub.Entry(CONFIG, false),
                        "tokenizer.json", new FakeHub.Entry(TOKENIZER, false),
                        "model.safetensors", new FakeHub.Entry(WEIGHTS, true),
                        "onnx/model.onnx", new FakeHub.Entry(ONNX, false)));
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    /** A client for the fake Hub: no environment, fast retries, short timeouts. */
    HubClient.Builder client() {
        return HubClient.builder()
                .optEnvironment(name -> null)
                .optEndpoint(hub.endpoint())
                .optCacheDir(cache)
                .optTimeout(Duration.ofSeconds(5))
                .optRetryBackoff(Duration.ofMillis(1));
    }

    Path repoDir() {
        return cache.resolve("models--acme--tiny-bert");
    }

    static String sha256(byte[] data) {
        return FakeHub.hex(FakeHub.digest("SHA-256", data));
    }

    static void assertContent(byte[] expected, Path file) throws IOException {
        assertArrayEquals(expected, Files.readAllBytes(file), "content of " + file);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }
}
