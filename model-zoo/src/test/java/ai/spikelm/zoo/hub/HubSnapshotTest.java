package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Several files from one commit, some of them optional. */
class HubSnapshotTest extends HubTestSupport {

    private static final List<String> MODEL = List.of("config.json", "model.safetensors");

    @Test
    void aSnapshotHoldsAllFilesOfOneCommit() throws Exception {
        Path dir = client().build().snapshot(REPO, MODEL, List.of("tokenizer.json"));

        assertEquals(repoDir().resolve("snapshots").resolve(COMMIT), dir);
        assertContent(CONFIG, dir.resolve("config.json"));
        assertContent(WEIGHTS, dir.resolve("model.safetensors"));
        assertContent(TOKENIZER, dir.resolve("tokenizer.json"));
    }

    @Test
    void aCompleteSnapshotMakesNoRequest() throws Exception {
        client().build().snapshot(REPO, MODEL, List.of("vocab.txt"));
        hub.clearRequests();

        Path dir = client().build().snapshot(REPO, MODEL, List.of("vocab.txt"));

        assertEquals(List.of(), hub.requests());
        assertFalse(Files.exists(dir.resolve("vocab.txt")));
    }

    @Test
    void missingOptionalFilesAreSkippedAndRemembered() throws Exception {
        Path dir = client().build().snapshot(REPO, MODEL, List.of("vocab.txt", "tokenizer.json"));

        assertFalse(Files.exists(dir.resolve("vocab.txt")));
        assertContent(TOKENIZER, dir.resolve("tokenizer.json"));
        assertTrue(
                Files.isRegularFile(
                        repoDir().resolve(".no_exist").resolve(COMMIT).resolve("vocab.txt")));
    }

    @Test
    void aMissingRequiredFileFails() {
        assertThrows(
                EntryNotFoundException.class,
                () -> client().build().snapshot(REPO, List.of("config.json", "vocab.txt")));
    }

    @Test
    void filesOfABranchThatMovesStayInTheCommitOfTheFirstAnswer() throws Exception {
        HubClient client = client().build();
        client.download(REPO, "config.json");
        String next = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
        byte[] newConfig = "{\"hidden_size\": 16}".getBytes();
        hub.commit(
                REPO,
                "main",
                next,
                Map.of(
                        "config.json", new FakeHub.Entry(newConfig, false),
                        "model.safetensors", new FakeHub.Entry(WEIGHTS, true)));

        // The cached snapshot lacks the weights, so the server is asked and answers the new
        // commit; every file then comes from it, the unchanged blob without a new transfer.
        Path dir = client.snapshot(REPO, MODEL);

        assertEquals(repoDir().resolve("snapshots").resolve(next), dir);
        assertContent(newConfig, dir.resolve("config.json"));
        assertContent(WEIGHTS, dir.resolve("model.safetensors"));
        assertEquals(next, Files.readString(repoDir().resolve("refs/main")));
        assertContent(
                CONFIG, repoDir().resolve("snapshots").resolve(COMMIT).resolve("config.json"));
    }

    @Test
    void aSnapshotNeedsFiles() {
        assertThrows(
                IllegalArgumentException.class, () -> client().build().snapshot(REPO, List.of()));
    }
}
