package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The cache layout's own rules, below the client. */
class RepoCacheTest {

    private static final String COMMIT = "4b1c8f2e9d3a7c6b5e0f1a2b3c4d5e6f70819203";

    @TempDir Path dir;

    @Test
    void withoutSymlinksTheSnapshotGetsACopy() throws Exception {
        RepoCache cache = RepoCache.of(dir, ModelId.parse("org/name"));
        Files.createDirectories(cache.blob("e1").getParent());
        Files.writeString(cache.blob("e1"), "content");

        Path entry = cache.link(COMMIT, "sub/file.txt", "e1", false);

        assertFalse(Files.isSymbolicLink(entry));
        assertEquals("content", Files.readString(entry));
        assertTrue(cache.hasFile(COMMIT, "sub/file.txt"));
    }

    @Test
    void linkingTwiceReplacesTheEntryAndLeavesNoTemporaryFile() throws Exception {
        RepoCache cache = RepoCache.of(dir, ModelId.parse("org/name"));
        Files.createDirectories(cache.blob("e1").getParent());
        Files.writeString(cache.blob("e1"), "content");

        cache.link(COMMIT, "file.txt", "e1");
        cache.link(COMMIT, "file.txt", "e1");

        try (var files = Files.list(cache.snapshotDir(COMMIT))) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void refsAreWrittenBareAndAnUnsafeRefIsIgnored() throws Exception {
        RepoCache cache = RepoCache.of(dir, ModelId.parse("org/name"));
        cache.writeRef("main", COMMIT);
        assertEquals(COMMIT, Files.readString(cache.root().resolve("refs/main")));
        assertEquals(Optional.of(COMMIT), cache.commitFor("main"));

        Files.writeString(cache.root().resolve("refs/main"), "../../../etc");
        assertEquals(Optional.empty(), cache.commitFor("main"));
        assertEquals(Optional.of(COMMIT), cache.commitFor(COMMIT));
    }

    @Test
    void backoffDoublesUpToACapAndHonoursRetryAfter() {
        Backoff backoff = new Backoff(5, Duration.ofMillis(100));
        java.io.IOException network = new java.io.IOException("reset");
        assertEquals(Duration.ofMillis(100), backoff.delay(1, network));
        assertEquals(Duration.ofMillis(400), backoff.delay(3, network));
        assertEquals(Duration.ofMillis(800), backoff.delay(10, network));
        TransientHttpException slowDown =
                new TransientHttpException("429", 429, Duration.ofSeconds(2));
        assertEquals(Duration.ofSeconds(2), backoff.delay(1, slowDown));
        TransientHttpException greedy = new TransientHttpException("429", 429, Duration.ofHours(1));
        assertEquals(Duration.ofSeconds(60), backoff.delay(1, greedy));
    }
}
