package ai.spikelm.zoo.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The environment variables huggingface_hub reads, with its precedence. */
class HubEnvironmentTest {

    private static HubEnvironment env(Map<String, String> vars) {
        return new HubEnvironment(vars::get);
    }

    @Test
    void defaultsAreThoseOfHuggingFaceHub() {
        HubEnvironment none = env(Map.of());
        assertEquals(URI.create("https://huggingface.co"), none.endpoint());
        assertEquals(Optional.empty(), none.token());
        assertEquals(Paths.get("/home/u/.cache/huggingface/hub"), none.cacheDir("/home/u"));
        assertFalse(none.offline());
        assertEquals(Optional.empty(), none.timeout());
    }

    @Test
    void cacheDirectoryPrecedence() {
        assertEquals(
                Paths.get("/x/hub-cache"),
                env(Map.of("HF_HUB_CACHE", "/x/hub-cache", "HF_HOME", "/y")).cacheDir("/home/u"));
        assertEquals(
                Paths.get("/y/hub"),
                env(Map.of("HF_HOME", "/y", "XDG_CACHE_HOME", "/z")).cacheDir("/home/u"));
        assertEquals(
                Paths.get("/z/huggingface/hub"),
                env(Map.of("XDG_CACHE_HOME", "/z")).cacheDir("/home/u"));
        assertEquals(
                Paths.get("/home/u/hf/hub"), env(Map.of("HF_HOME", "~/hf")).cacheDir("/home/u"));
    }

    @Test
    void endpointTokenOfflineAndTimeout() {
        HubEnvironment e =
                env(
                        Map.of(
                                "HF_ENDPOINT", "https://mirror.example/hf/",
                                "HF_TOKEN", " hf_abc ",
                                "HF_HUB_OFFLINE", "yes",
                                "HF_HUB_DOWNLOAD_TIMEOUT", "2.5"));
        assertEquals(URI.create("https://mirror.example/hf"), e.endpoint());
        assertEquals(Optional.of("hf_abc"), e.token());
        assertTrue(e.offline());
        assertEquals(Optional.of(Duration.ofMillis(2500)), e.timeout());
        assertFalse(env(Map.of("HF_HUB_OFFLINE", "0")).offline());
        assertTrue(env(Map.of("TRANSFORMERS_OFFLINE", "1")).offline());
    }

    @Test
    void invalidValuesAreRefusedWithoutEchoingCredentials() {
        IllegalArgumentException creds =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> env(Map.of("HF_ENDPOINT", "https://user:pw@host")).endpoint());
        assertFalse(creds.getMessage().contains("pw"), creds.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> env(Map.of("HF_ENDPOINT", "ftp://host")).endpoint());
        assertThrows(
                IllegalArgumentException.class,
                () -> env(Map.of("HF_HUB_DOWNLOAD_TIMEOUT", "soon")).timeout());
    }

    @Test
    void theClientReadsTheInjectedEnvironmentAndTheBuilderWins() {
        Map<String, String> vars =
                Map.of(
                        "HF_ENDPOINT", "http://127.0.0.1:1",
                        "HF_TOKEN", "hf_from_env",
                        "HF_HOME", "/tmp/hf-home");
        HubClient fromEnv = HubClient.builder().optEnvironment(vars::get).build();
        assertEquals(URI.create("http://127.0.0.1:1"), fromEnv.endpoint());
        assertEquals(Paths.get("/tmp/hf-home/hub"), fromEnv.cacheDir());
        assertTrue(fromEnv.hasToken());
        assertFalse(fromEnv.toString().contains("hf_from_env"), fromEnv.toString());

        HubClient overridden =
                HubClient.builder()
                        .optEnvironment(vars::get)
                        .optEndpoint("https://other.example")
                        .optToken(null)
                        .optCacheDir(Paths.get("/tmp/elsewhere"))
                        .build();
        assertEquals(URI.create("https://other.example"), overridden.endpoint());
        assertEquals(Paths.get("/tmp/elsewhere"), overridden.cacheDir());
        assertFalse(overridden.hasToken());
    }
}
