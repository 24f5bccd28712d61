package ai.spikelm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The Prometheus text format, checked line by line against what the format specifies. */
class MetricsTest {

    @Test
    void countersHistogramsAndGaugesRenderAsTheFormatSays() {
        Metrics m = new Metrics();
        Metrics.Counter c = m.counter("x_total", "Things.", "kind");
        Metrics.Histogram h = m.histogram("x_seconds", "Time.", new double[] {0.5, 1, 2.5}, "op");
        Metrics.Gauge g = m.gauge("x_depth", "Depth.");
        c.inc("b");
        c.add(2.5, "a\"q");
        h.observe(0.2, "get");
        h.observe(1, "get");
        h.observe(7, "get");
        h.observe(Double.NaN, "get"); // ignored: no rate for an ANN
        g.register(() -> 3);
        String expected = String.join("\n",
                "# HELP x_total Things.",
                "# TYPE x_total counter",
                "x_total{kind=\"a\\\"q\"} 2.5",
                "x_total{kind=\"b\"} 1",
                "# HELP x_seconds Time.",
                "# TYPE x_seconds histogram",
                "x_seconds_bucket{op=\"get\",le=\"0.5\"} 1",
                "x_seconds_bucket{op=\"get\",le=\"1\"} 2",
                "x_seconds_bucket{op=\"get\",le=\"2.5\"} 2",
                "x_seconds_bucket{op=\"get\",le=\"+Inf\"} 3",
                "x_seconds_sum{op=\"get\"} 8.2",
                "x_seconds_count{op=\"get\"} 3",
                "# HELP x_depth Depth.",
                "# TYPE x_depth gauge",
                "x_depth 3",
                "");
        assertEquals(expected, m.scrape());
        assertThrows(IllegalArgumentException.class, () -> c.inc());
        assertThrows(IllegalArgumentException.class, () -> m.counter("x_total", "again"));
    }
}
