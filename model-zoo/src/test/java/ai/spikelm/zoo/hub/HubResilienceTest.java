package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Interrupted, corrupted, failing and stalled transfers. */
class HubResilienceTest extends HubTestSupport {

    private Path blob(byte[] content) {
        return repoDir().resolve("blobs").resolve(sha256(content));
    }

    @Test
    void aTransferCutMidFileResumesWithRange() throws Exception {
        hub.cutAfterBytes.set(100_000);

        Path weights = client().build().download(REPO, "model.safetensors");

        assertContent(WEIGHTS, weights);
        assertEquals(List.of("bytes=100000-"), hub.ranges());
        assertEquals(1, hub.fullGets());
        assertFalse(Files.exists(repoDir().resolve("blobs/" + sha256(WEIGHTS) + ".incomplete")));
    }

    @Test
    void anIncompleteFileLeftByAnEarlierRunIsResumed() throws Exception {
        Path blobs = Files.createDirectories(repoDir().resolve("blobs"));
        Files.write(
                blobs.resolve(sha256(WEIGHTS) + ".incomplete"),
                java.util.Arrays.copyOf(WEIGHTS, 12_345));

        assertContent(WEIGHTS, client().build().download(REPO, "model.safetensors"));

        assertEquals(List.of("bytes=12345-"), hub.ranges());
        assertEquals(0, hub.fullGets());
    }

    @Test
    void aServerIgnoringRangeRestartsFromTheStart() throws Exception {
        hub.cutAfterBytes.set(50_000);
        hub.ignoreRange = true;

        assertContent(WEIGHTS, client().build().download(REPO, "model.safetensors"));

        assertEquals(
                List.of("bytes=50000-"),
                hub.requests().stream()
                        .map(FakeHub.Request::range)
                        .filter(r -> r != null)
                        .toList());
        assertEquals(2, hub.fullGets());
    }

    @Test
    void aChecksumMismatchIsRejectedAndNotCached() throws Exception {
        hub.corruptLfs = true;
        HubClient client = client().build();

        ChecksumMismatchException e =
                assertThrows(
                        ChecksumMismatchException.class,
                        () -> client.download(REPO, "model.safetensors"));

        assertEquals(sha256(WEIGHTS), e.expected());
        assertFalse(e.actual().equals(e.expected()));
        assertTrue(e.getMessage().startsWith("SHA-256 mismatch for 'model.safetensors'"));
        assertFalse(Files.exists(blob(WEIGHTS)));
        assertFalse(Files.exists(repoDir().resolve("blobs/" + sha256(WEIGHTS) + ".incomplete")));
        assertFalse(
                Files.exists(
                        repoDir()
                                .resolve("snapshots")
                                .resolve(COMMIT)
                                .resolve("model.safetensors")));
        assertFalse(client.isCached(REPO, "model.safetensors"));

        // Once the server is right again, the file downloads from scratch.
        hub.corruptLfs = false;
        hub.clearRequests();
        assertContent(WEIGHTS, client.download(REPO, "model.safetensors"));
        assertEquals(List.of(), hub.ranges());
    }

    @Test
    void serverErrorsAreRetriedThenSucceed() throws Exception {
        hub.failHeads.set(2);
        hub.failGets.set(2);
        hub.failStatus = 503;

        assertContent(WEIGHTS, client().build().download(REPO, "model.safetensors"));

        assertEquals(3 + 3, hub.requests().size(), "two failed and one good HEAD, same for GET");
    }

    @Test
    void tooManyRequestsIsRetried() throws Exception {
        hub.failHeads.set(1);
        hub.failStatus = 429;

        assertContent(CONFIG, client().build().download(REPO, "config.json"));
    }

    @Test
    void persistentServerErrorsExhaustTheRetries() {
        hub.failHeads.set(1000);

        RetriesExhaustedException e =
                assertThrows(
                        RetriesExhaustedException.class,
                        () -> client().optMaxRetries(3).build().download(REPO, "config.json"));

        assertEquals(4, e.attempts());
        assertEquals(500, e.lastStatus());
        assertEquals(4, hub.requests().size());
        assertTrue(e.getMessage().contains("after 4 failed attempts"), e.getMessage());
    }

    @Test
    void anUnreachableServerFailsAtOnceWithoutRetries() throws Exception {
        String endpoint = hub.endpoint();
        hub.close();

        long start = System.nanoTime();
        RetriesExhaustedException e =
                assertThrows(
                        RetriesExhaustedException.class,
                        () ->
                                client().optEndpoint(endpoint)
                                        .optMaxRetries(5)
                                        .optRetryBackoff(java.time.Duration.ofSeconds(2))
                                        .build()
                                        .download(REPO, "config.json"));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(-1, e.lastStatus());
        assertEquals(1, e.attempts(), "a refused connection is not retried");
        assertTrue(seconds < 2, "no backoff wait before the error: " + seconds + " s");
        assertTrue(e.getCause() instanceof java.net.ConnectException, String.valueOf(e.getCause()));
    }

    @Test
    void aStalledBodyTimesOutAndResumes() {
        hub.stallAfterBytes.set(64_000);
        hub.stallMillis = 3_000;
        HubClient client = client().optTimeout(Duration.ofMillis(300)).build();

        assertTimeoutPreemptively(
                Duration.ofSeconds(2),
                () -> assertContent(WEIGHTS, client.download(REPO, "model.safetensors")));

        assertEquals(1, hub.ranges().size());
        assertTrue(hub.ranges().get(0).startsWith("bytes="), hub.ranges().toString());
    }
}
