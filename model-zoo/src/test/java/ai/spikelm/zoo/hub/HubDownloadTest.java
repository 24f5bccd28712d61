package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** First downloads, the cache layout they leave, and cache hits that make no request. */
class HubDownloadTest extends HubTestSupport {

    @Test
    void firstDownloadLeavesTheHuggingFaceHubLayout() throws Exception {
        HubClient client = client().build();

        Path config = client.download(REPO, "config.json");
        Path weights = client.download(REPO, "model.safetensors");

        Path snapshot = repoDir().resolve("snapshots").resolve(COMMIT);
        assertEquals(snapshot.resolve("config.json"), config);
        assertEquals(snapshot.resolve("model.safetensors"), weights);
        assertContent(CONFIG, config);
        assertContent(WEIGHTS, weights);

        // A regular file's blob is named by its git ETag, an LFS file's by its SHA-256.
        String configEtag = new FakeHub.Entry(CONFIG, false).gitSha1();
        assertTrue(Files.isSymbolicLink(config));
        assertEquals(Paths.get("..", "..", "blobs", configEtag), Files.readSymbolicLink(config));
        assertEquals(
                Paths.get("..", "..", "blobs", sha256(WEIGHTS)), Files.readSymbolicLink(weights));
        assertContent(WEIGHTS, repoDir().resolve("blobs").resolve(sha256(WEIGHTS)));

        // huggingface_hub reads the ref without stripping: the bare hash, no newline.
        assertEquals(
                COMMIT, Files.readString(repoDir().resolve("refs/main"), StandardCharsets.UTF_8));
        try (var blobs = Files.list(repoDir().resolve("blobs"))) {
            assertTrue(
                    blobs.noneMatch(p -> p.toString().endsWith(".incomplete")),
                    "no partial download is left");
        }
    }

    @Test
    void lfsContentComesFromTheRedirectWithoutTheToken() throws Exception {
        HubClient client = client().optToken("hf_secret").build();

        client.download(REPO, "model.safetensors");

        List<FakeHub.Request> requests = hub.requests();
        assertEquals(
                List.of("hub HEAD", "cdn GET"),
                requests.stream().map(r -> r.server() + " " + r.method()).toList());
        assertEquals("Bearer hf_secret", requests.get(0).authorization());
        assertEquals(null, requests.get(1).authorization(), "the token stays with the Hub");
    }

    @Test
    void cacheHitMakesNoRequest() throws Exception {
        client().build().download(REPO, "config.json");
        hub.clearRequests();

        HubClient fresh = client().build();
        assertTrue(fresh.isCached(REPO, "config.json"));
        assertContent(CONFIG, fresh.download(REPO, "config.json"));
        assertContent(CONFIG, fresh.download(REPO + "@main", "config.json"));

        assertEquals(List.of(), hub.requests());
    }

    @Test
    void aCommitHashRevisionIsServedFromItsSnapshotWithoutARef() throws Exception {
        client().build().download(REPO, "config.json");
        Files.delete(repoDir().resolve("refs/main"));
        hub.clearRequests();

        Path hit = client().build().download(REPO + "@" + COMMIT, "config.json");

        assertContent(CONFIG, hit);
        assertEquals(List.of(), hub.requests());
        assertFalse(client().build().isCached(REPO, "config.json"), "main has no ref any more");
    }

    @Test
    void aSecondRevisionOfTheSameCommitReusesTheSnapshot() throws Exception {
        hub.commit(REPO, "v1.0", COMMIT, Map.of());
        HubClient client = client().build();
        client.download(REPO, "model.safetensors");
        hub.clearRequests();

        Path tagged = client.download(REPO + "@v1.0", "model.safetensors");

        assertContent(WEIGHTS, tagged);
        assertEquals(COMMIT, Files.readString(repoDir().resolve("refs/v1.0")));
        assertEquals(1, hub.requests().size(), "one HEAD to learn the commit, no content");
        assertEquals(0, hub.fullGets());
    }

    @Test
    void nestedFilesAndPullRequestRefs() throws Exception {
        String prCommit = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
        hub.commit(
                REPO,
                "refs/pr/1",
                prCommit,
                Map.of("onnx/model.onnx", new FakeHub.Entry("pr".getBytes(), false)));
        HubClient client = client().build();

        Path nested = client.download(REPO, "onnx/model.onnx");
        Path pr = client.download(REPO + "@refs/pr/1", "onnx/model.onnx");

        assertContent(ONNX, nested);
        assertTrue(Files.readSymbolicLink(nested).startsWith(Paths.get("..", "..", "..", "blobs")));
        assertContent("pr".getBytes(), pr);
        assertEquals(prCommit, Files.readString(repoDir().resolve("refs/refs/pr/1")));
        assertTrue(
                hub.requests().stream().anyMatch(r -> r.path().contains("/resolve/refs%2Fpr%2F1/")),
                "the revision is one URL segment");
    }

    @Test
    void progressIsReportedUpToTheFileSize() throws Exception {
        List<long[]> events = new CopyOnWriteArrayList<>();
        HubClient client =
                client().optProgressListener(
                                (model, file, done, total) -> {
                                    assertEquals(REPO, model.repoId());
                                    assertEquals("model.safetensors", file);
                                    events.add(new long[] {done, total});
                                })
                        .build();

        client.download(REPO, "model.safetensors");

        assertFalse(events.isEmpty());
        long[] last = events.get(events.size() - 1);
        assertEquals(WEIGHTS.length, last[0]);
        assertEquals(WEIGHTS.length, last[1]);
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i)[0] >= events.get(i - 1)[0], "progress never goes back");
        }
    }
}
