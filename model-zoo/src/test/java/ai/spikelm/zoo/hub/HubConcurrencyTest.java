package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Threads and processes fetching the same file share one download. */
class HubConcurrencyTest extends HubTestSupport {

    @Test
    void twoThreadsDownloadingTheSameFileShareOneTransfer() throws Exception {
        // A slow body keeps the first download going while the second thread arrives.
        hub.chunkPauseMillis = 25;
        HubClient first = client().build();
        HubClient second = client().build();
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (HubClient client : List.of(first, second)) {
                results.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    return client.download(REPO, "model.safetensors");
                                }));
            }
            for (Future<Path> result : results) {
                assertContent(WEIGHTS, result.get(10, TimeUnit.SECONDS));
            }
            assertEquals(results.get(0).get(), results.get(1).get());
        } finally {
            pool.shutdownNow();
        }

        assertEquals(1, hub.fullGets(), "one transfer");
        try (var blobs = Files.list(repoDir().resolve("blobs"))) {
            assertEquals(
                    List.of(sha256(WEIGHTS)),
                    blobs.map(p -> p.getFileName().toString())
                            .filter(n -> !n.endsWith(".lock"))
                            .toList());
        }
    }

    @Test
    void aDownloadWaitsForAnotherProcessHoldingTheLock() throws Exception {
        Path blobs = Files.createDirectories(repoDir().resolve("blobs"));
        String etag = sha256(WEIGHTS);
        Path source = Files.write(cache.resolve("weights.bin"), WEIGHTS);
        Process other =
                new ProcessBuilder(
                                Paths.get(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                LockHolder.class.getName(),
                                blobs.resolve(etag + ".lock").toString(),
                                source.toString(),
                                blobs.resolve(etag).toString(),
                                "400")
                        .redirectErrorStream(true)
                        .start();
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("locked", out.readLine(), "the other process holds the lock");

            Path weights = client().build().download(REPO, "model.safetensors");

            assertContent(WEIGHTS, weights);
            assertTrue(other.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, other.exitValue());
        } finally {
            other.destroyForcibly();
        }
        // The blob came from the other process: only the HEAD went to the server.
        assertEquals(0, hub.fullGets());
        assertEquals(1, hub.requests().size());
    }
}
