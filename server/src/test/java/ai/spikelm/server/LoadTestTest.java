package ai.spikelm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load test's bounds and percentiles (its runs are exercised by {@code spikelm bench-serve}). */
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
    void percentilesAreNearestRank() {
        double[] ms = new double[100];
        for (int i = 0; i < 100; i++) {
            ms[i] = i + 1;
        }
        LoadTest.Result r = new LoadTest.Result(100, 0, 4.0, ms);
        assertEquals(50, r.percentile(50));
        assertEquals(95, r.percentile(95));
        assertEquals(99, r.percentile(99));
        assertEquals(100, r.percentile(100));
        assertEquals(25.0, r.throughput());
        assertEquals(7, new LoadTest.Result(3, 0, 1, new double[] {3, 5, 7}).percentile(99));
        assertTrue(Double.isNaN(new LoadTest.Result(2, 2, 1, new double[0]).percentile(50)));
    }
}
