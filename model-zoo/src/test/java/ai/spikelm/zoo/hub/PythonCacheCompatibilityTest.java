package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * A cache written by hand exactly as huggingface_hub writes it (refs without a newline, relative
 * symlinks, blobs named by ETag; copies instead of links on Windows) is used as it is.
 */
class PythonCacheCompatibilityTest extends HubTestSupport {

    /** Writes a blob and its snapshot link as huggingface_hub does. */
    private void writePythonStyle(String file, byte[] content, String etag) throws Exception {
        Path root = repoDir();
        Files.createDirectories(root.resolve("blobs"));
        Files.write(root.resolve("blobs").resolve(etag), content);
        Path link = root.resolve("snapshots").resolve(COMMIT).resolve(file);
        Files.createDirectories(link.getParent());
        Path up = Paths.get("");
        for (int i = 0; i < Paths.get(file).getNameCount() + 1; i++) {
            up = up.resolve("..");
        }
        Files.createSymbolicLink(link, up.resolve("blobs").resolve(etag));
    }

    @Test
    void aCacheFilledByHuggingFaceHubIsUsedWithoutRequests() throws Exception {
        writePythonStyle("config.json", CONFIG, new FakeHub.Entry(CONFIG, false).gitSha1());
        writePythonStyle("model.safetensors", WEIGHTS, sha256(WEIGHTS));
        writePythonStyle("onnx/model.onnx", ONNX, new FakeHub.Entry(ONNX, false).gitSha1());
        Files.createDirectories(repoDir().resolve("refs"));
        Files.writeString(repoDir().resolve("refs/main"), COMMIT);

        HubClient client = client().build();
        assertTrue(client.isCached(REPO, "config.json"));
        assertContent(CONFIG, client.download(REPO, "config.json"));
        assertContent(ONNX, client.download(REPO, "onnx/model.onnx"));
        Path dir = client.snapshot(REPO, List.of("config.json", "model.safetensors"));
        assertContent(WEIGHTS, dir.resolve("model.safetensors"));
        assertContent(CONFIG, client.download(REPO + "@" + COMMIT, "config.json"));

        assertEquals(List.of(), hub.requests());
    }

    @Test
    void copiedSnapshotFilesAndAHandWrittenRefWithANewlineAreUsed() throws Exception {
        Path file = repoDir().resolve("snapshots").resolve(COMMIT).resolve("config.json");
        Files.createDirectories(file.getParent());
        Files.write(file, CONFIG);
        Files.createDirectories(repoDir().resolve("refs"));
        Files.writeString(repoDir().resolve("refs/main"), COMMIT + "\n");

        assertContent(CONFIG, client().optOffline(true).build().download(REPO, "config.json"));
    }

    @Test
    void aDanglingLinkIsNotAHitAndIsRepaired() throws Exception {
        writePythonStyle("config.json", CONFIG, new FakeHub.Entry(CONFIG, false).gitSha1());
        Files.createDirectories(repoDir().resolve("refs"));
        Files.writeString(repoDir().resolve("refs/main"), COMMIT);
        Files.delete(
                repoDir().resolve("blobs").resolve(new FakeHub.Entry(CONFIG, false).gitSha1()));

        HubClient client = client().build();
        assertEquals(false, client.isCached(REPO, "config.json"));
        assertContent(CONFIG, client.download(REPO, "config.json"));
        assertEquals(1, hub.fullGets());
    }
}
