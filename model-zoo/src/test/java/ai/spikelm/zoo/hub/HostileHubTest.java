package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Hub that lies: bodies longer than announced or endless, corrupt content, ETags that do not
 * match, stalls, commits that are not commit hashes. Each is refused quickly, and nothing it sent
 * ends up in the cache under a file's name.
 */
class HostileHubTest extends HubTestSupport {

    private static final Duration FAST = Duration.ofSeconds(20);

    @Test
    void anOversizedBodyIsCutAtTheAnnouncedSizeAndRefused() throws Exception {
        hub.extraBodyBytes = 1 << 20;
        HubClient client = client().build();
        ChecksumMismatchException e =
                assertThrows(
                        ChecksumMismatchException.class,
                        () -> client.download(REPO, "config.json"));
        assertTrue(e.getMessage().contains("'config.json'"), e.getMessage());
        assertTrue(e.getMessage().contains("longer body"), e.getMessage());
        assertNothingCached();
        assertTrue(largestFileInCache() <= CONFIG.length, "never more than the announced size on disk");
    }

    @Test
    void anEndlessBodyStopsAtTheAnnouncedSize() throws Exception {
        hub.endlessBody = true;
        HubClient client = client().build();
        assertTimeoutPreemptively(
                FAST,
                () ->
                        assertThrows(
                                ChecksumMismatchException.class,
                                () -> client.download(REPO, "tokenizer.json")));
        assertNothingCached();
        assertTrue(largestFileInCache() <= TOKENIZER.length);
        // Reading stopped: the server could not push anything near its 1 GiB.
        long sent = waitForEndlessSender();
        assertTrue(sent < (256L << 20), "the client hung up after " + sent + " bytes");
    }

    @Test
    void aCorruptSmallFileIsCaughtByItsGitBlobHash() throws Exception {
        hub.corruptRegular = true;
        HubClient client = client().build();
        ChecksumMismatchException e =
                assertThrows(
                        ChecksumMismatchException.class,
                        () -> client.download(REPO, "tokenizer.json"));
        assertTrue(e.getMessage().startsWith("git blob SHA-1 mismatch for 'tokenizer.json'"), e.getMessage());
        assertNothingCached();

        // Fixed server, same cache: the next run downloads the right bytes and caches them.
        hub.corruptRegular = false;
        assertContent(TOKENIZER, client.download(REPO, "tokenizer.json"));
    }

    @Test
    void aCorruptLfsFileIsCaughtByItsSha256() throws Exception {
        hub.corruptLfs = true;
        ChecksumMismatchException e =
                assertThrows(
                        ChecksumMismatchException.class,
                        () -> client().build().download(REPO, "model.safetensors"));
        assertTrue(e.getMessage().startsWith("SHA-256 mismatch"), e.getMessage());
        assertNothingCached();
    }

    @Test
    void anEtagThatIsNotTheContentsHashIsRefused() throws Exception {
        hub.etagOverride = "\"" + "0123456789abcdef".repeat(2) + "01234567" + "\"";
        ChecksumMismatchException e =
                assertThrows(
                        ChecksumMismatchException.class,
                        () -> client().build().download(REPO, "config.json"));
        assertEquals("0123456789abcdef0123456789abcdef01234567", e.expected());
        assertNothingCached();
    }

    @Test
    void aGarbagePartialIsNotResumedIntoTheCache() throws Exception {
        // What an earlier, broken transfer left: the right length minus a few bytes, all wrong.
        String etag = new FakeHub.Entry(TOKENIZER, false).gitSha1();
        Path partial = repoDir().resolve("blobs").resolve(etag + ".incomplete");
        Files.createDirectories(partial.getParent());
        Files.write(partial, new byte[TOKENIZER.length - 3]);

        Path file = client().build().download(REPO, "tokenizer.json");

        assertContent(TOKENIZER, file);
        assertFalse(Files.exists(partial));
        assertTrue(hub.ranges().contains("bytes=" + (TOKENIZER.length - 3) + "-"), "it tried the resume first");
        assertEquals(1, hub.fullGets(), "then fetched the whole file once more");
    }

    @Test
    void aStalledBodyTimesOutAndIsNotCached() throws Exception {
        hub.stallAfterBytes.set(100_000);
        hub.stallMillis = 10_000;
        HubClient client = client().optTimeout(Duration.ofMillis(500)).optMaxRetries(0).build();
        assertTimeoutPreemptively(
                FAST,
                () ->
                        assertThrows(
                                RetriesExhaustedException.class,
                                () -> client.download(REPO, "model.safetensors")));
        // What arrived is kept only as a resumable partial, never as the file.
        assertNothingCached(".incomplete");
    }

    @Test
    void aCommitThatIsNotAHashIsRefused() throws Exception {
        for (String commit : List.of("main", "ABCDEF" + "0".repeat(34), "0".repeat(39), "g".repeat(40))) {
            hub.commitOverride = commit;
            HubException e =
                    assertThrows(
                            HubException.class,
                            () -> client().build().download(REPO, "config.json"),
                            commit);
            assertTrue(e.getMessage().contains("a commit hash is 40 lower-case hex digits"), e.getMessage());
        }
        try (Stream<Path> files = Files.walk(cache)) {
            assertTrue(files.noneMatch(Files::isRegularFile), "nothing was written");
        }
    }

    @Test
    void absentOptionalFilesAreRecordedWithoutACommitHeaderSoOfflineWorks() throws Exception {
        hub.omitCommitOnMissing = true;
        List<String> optional = List.of("model.safetensors", "vocab.txt", "pytorch_model.bin");
        Path dir = client().build().snapshot(REPO, List.of("config.json"), optional);
        assertContent(CONFIG, dir.resolve("config.json"));
        assertTrue(Files.isRegularFile(repoDir().resolve(".no_exist").resolve(COMMIT).resolve("vocab.txt")));

        hub.clearRequests();
        assertEquals(dir, client().build().snapshot(REPO, List.of("config.json"), optional));
        assertEquals(List.of(), hub.requests(), "a cached run makes no request");

        HubClient offline = client().optEnvironment(n -> n.equals("HF_HUB_OFFLINE") ? "1" : null).build();
        assertEquals(dir, offline.snapshot(REPO, List.of("config.json"), optional));
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void aPlain404WithACommitIsAMissingFileNotAMissingRepository() throws Exception {
        hub.commit(REPO, "main", COMMIT, Map.of());
        EntryNotFoundException e =
                assertThrows(
                        EntryNotFoundException.class,
                        () -> client().build().download(REPO, "absent.json"));
        assertTrue(e.getMessage().contains("'absent.json'"), e.getMessage());
    }

    private long waitForEndlessSender() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (hub.endlessBytesSent.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return hub.endlessBytesSent.get();
    }

    /** No blob, no snapshot entry, no partial download. */
    private void assertNothingCached() throws IOException {
        assertNothingCached(".lock");
    }

    /** No blob and no snapshot entry; files whose name ends as given are allowed. */
    private void assertNothingCached(String allowedSuffix) throws IOException {
        if (!Files.exists(repoDir())) {
            return;
        }
        try (Stream<Path> files = Files.walk(repoDir())) {
            List<Path> kept =
                    files.filter(Files::isRegularFile)
                            .filter(p -> !p.getFileName().toString().endsWith(".lock"))
                            .filter(p -> !p.getFileName().toString().endsWith(allowedSuffix))
                            .toList();
            assertEquals(List.of(), kept, "nothing cached");
        }
    }

    private long largestFileInCache() throws IOException {
        if (!Files.exists(cache)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(cache)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).max().orElse(0);
        }
    }
}
