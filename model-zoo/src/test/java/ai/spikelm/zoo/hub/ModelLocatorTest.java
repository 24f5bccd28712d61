package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a caller of {@link ModelLocator} learns when the Hub cannot be reached at all. */
class ModelLocatorTest {

    @Test
    void anUnreachableHubIsNamedWithTheWayToWorkOffline(@TempDir Path cache) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // nothing listens there once closed
        }
        HubClient hub =
                HubClient.builder()
                        .optEnvironment(name -> null)
                        .optEndpoint("http://127.0.0.1:" + closedPort)
                        .optCacheDir(cache)
                        .optMaxRetries(5)
                        .optRetryBackoff(Duration.ofSeconds(2))
                        .build();
        long start = System.nanoTime();
        HubException e = assertThrows(HubException.class, () -> new ModelLocator(hub).resolve("acme/minilm"));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 2, "fails at once, without waiting to retry: " + seconds + " s");
        String message = e.getMessage();
        assertTrue(message.contains("could not connect"), message);
        assertTrue(message.contains("127.0.0.1") && message.contains("acme/minilm"), message);
        assertTrue(message.contains("HF_HUB_OFFLINE=1") && message.contains(cache.toString()), message);
        assertTrue(e.getCause() instanceof RetriesExhaustedException, String.valueOf(e.getCause()));
    }
}
