package ai.spikelm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load test: its bounds, percentiles, and errors counted with their first reason (full runs: {@code spikelm bench-serve}). */
class LoadTestTest {

    @Test
    void onlyLoopbackIsATarget() {
        LoadTest.Builder b = LoadTest.builder().setModel("m").setTexts(List.of("x"));
        for (String url : new String[] {"http://10.1.2.3:8080/v1", "http://192.168.0.7/v1", "http://8.8.8.8/v1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.setBaseUrl(URI.create(url)).build());
            assertTrue(e.getMessage().contains("loopback"), e.getMessage());
        }
        b.setBaseUrl(URI.create("http://127.0.0.1:9/v1")).build();
        b.setBaseUrl(URI.create("http://[::1]:9/v1")).build();
        assertThrows(IllegalArgumentException.class, () -> b.optClients(0).build());
    }

    @Test
    void refusedRequestsAreCountedAsErrorsWithTheFirstReason(@TempDir Path dir) throws Exception {
        try (SpikeLmServer server = SpikeLmServer.builder()
                .addModel(new ModelSpec("gpt2", TestModels.tinyGpt2(dir, 1).toString(), null))
                .optPort(0)
                .optApiKey("the-key")
                .build()
                .start()) {
            LoadTest.Result r = LoadTest.builder().setBaseUrl(server.baseUrl()).setModel("gpt2").setTexts(List.of("x"))
                    .optClients(2).optRequests(5).build().run(); // no key: every request is refused
            assertEquals(5, r.requests());
            assertEquals(5, r.errors());
            assertEquals(0, r.latenciesMillis().length);
            assertTrue(r.firstError().startsWith("HTTP 401: {\"error\""), r.firstError());
            LoadTest.Result ok = LoadTest.builder().setBaseUrl(server.baseUrl()).setModel("gpt2").setTexts(List.of("x"))
                    .optApiKey("the-key").optRequests(2).build().run(); // a text generator has no embeddings: 400
            assertEquals(2, ok.errors());
            assertTrue(ok.firstError().startsWith("HTTP 400: "), ok.firstError());
        }
    }

    @Test
    void percentilesAreNearestRank() {
        double[] ms = new double[100];
        for (int i = 0; i < 100; i++) {
            ms[i] = i + 1;
        }
        LoadTest.Result r = new LoadTest.Result(100, 0, 4.0, ms, null);
        assertEquals(50, r.percentile(50));
        assertEquals(95, r.percentile(95));
        assertEquals(99, r.percentile(99));
        assertEquals(100, r.percentile(100));
        assertEquals(25.0, r.throughput());
        assertEquals(7, new LoadTest.Result(3, 0, 1, new double[] {3, 5, 7}, null).percentile(99));
        assertTrue(Double.isNaN(new LoadTest.Result(2, 2, 1, new double[0], "HTTP 429: full").percentile(50)));
    }
}
