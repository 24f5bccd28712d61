package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

/** Offline mode serves the cache and never touches the network. */
class HubOfflineTest extends HubTestSupport {

    @Test
    void offlineHit() throws Exception {
        client().build().snapshot(REPO, List.of("config.json"), List.of("vocab.txt"));
        hub.clearRequests();

        HubClient offline =
                client().optEnvironment(name -> name.equals("HF_HUB_OFFLINE") ? "1" : null).build();

        assertTrue(offline.isOffline());
        assertContent(CONFIG, offline.download(REPO, "config.json"));
        assertContent(
                CONFIG,
                offline.snapshot(REPO, List.of("config.json"), List.of("vocab.txt"))
                        .resolve("config.json"));
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void offlineMissNamesTheRepositoryAndTheFile() {
        HubClient offline = client().optOffline(true).build();

        HubOfflineException e =
                assertThrows(
                        HubOfflineException.class, () -> offline.download(REPO, "config.json"));
        assertTrue(
                e.getMessage().startsWith("Cannot get 'config.json' of '" + REPO + "@main'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("offline"), e.getMessage());

        HubOfflineException s =
                assertThrows(
                        HubOfflineException.class,
                        () -> offline.snapshot(REPO, List.of("config.json", "model.safetensors")));
        assertEquals("config.json", s.file());
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void offlineKnowsAFileRecordedAsAbsent() throws Exception {
        client().build().snapshot(REPO, List.of("config.json"), List.of("vocab.txt"));

        assertThrows(
                EntryNotFoundException.class,
                () -> client().optOffline(true).build().download(REPO, "vocab.txt"));
    }

    @Test
    void theBuilderOverridesTheEnvironment() throws Exception {
        client().build().download(REPO, "config.json");
        hub.clearRequests();

        HubClient online =
                client().optEnvironment(name -> name.equals("HF_HUB_OFFLINE") ? "1" : null)
                        .optOffline(false)
                        .build();

        assertContent(TOKENIZER, online.download(REPO, "tokenizer.json"));
        assertEquals(1, hub.fullGets());
    }
}
