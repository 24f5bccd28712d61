package ai.spikelm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The server's metrics as Prometheus scrapes them: the names, help texts, labels and bucket bounds
 * the README and dashboards rely on, and values computed by hand from what was recorded.
 */
class ServerMetricsTest {

    /** Every family by name: its type and help text, which must not drift. */
    private static final Map<String, String[]> FAMILIES = Map.ofEntries(
            Map.entry("spikelm_requests_total", new String[] {"counter", "HTTP requests by endpoint and status code."}),
            Map.entry("spikelm_request_duration_seconds",
                    new String[] {"histogram", "Time from a request's headers to its response's last byte."}),
            Map.entry("spikelm_batch_size", new String[] {"histogram",
                    "Inputs per model call of an encoder: concurrent requests merged by dynamic batching."}),
            Map.entry("spikelm_batch_requests", new String[] {"histogram", "Requests per model call of an encoder."}),
            Map.entry("spikelm_queue_rejected_total",
                    new String[] {"counter", "Requests answered 429 because the model's queue was full."}),
            Map.entry("spikelm_request_firing_rate", new String[] {"histogram", "Fraction of spike sites firing, over all"
                    + " sites and time steps, in the model call that served the request (spiking models only)."}),
            Map.entry("spikelm_request_energy_joules", new String[] {"histogram", "Estimated energy per request (45 nm:"
                    + " 4.6 pJ/MAC, 0.9 pJ/accumulate); a batch's energy is shared by token count."}),
            Map.entry("spikelm_tokens_total", new String[] {"counter", "Tokens by model and kind (prompt, completion)."}),
            Map.entry("spikelm_generations_total", new String[] {"counter",
                    "Generations by outcome: completed, failed, or cancelled because the client went away."}),
            Map.entry("spikelm_queue_depth", new String[] {"gauge", "Requests waiting for a model or running on it."}),
            Map.entry("spikelm_in_flight_requests", new String[] {"gauge", "HTTP requests being handled."}));

    @Test
    void familiesKeepTheirNamesHelpTypesAndBuckets() {
        ServerMetrics m = new ServerMetrics();
        // One series in each family, so each has samples to render.
        m.requests.labelValues("/v1/embeddings", "200").inc();
        m.latency.labelValues("/v1/embeddings").observe(0.1);
        m.batchSize.labelValues("minilm").observe(3);
        m.batchRequests.labelValues("minilm").observe(2);
        m.rejected.labelValues("minilm").inc();
        m.spikes("snn", new SpikeStats(0.2, 1e-3));
        m.tokens.labelValues("gpt2", "prompt").inc(5);
        m.generations.labelValues("gpt2", "completed").inc();
        m.queueDepth("gpt2", () -> 0);
        m.inFlight.inc();
        String text = m.scrape();
        FAMILIES.forEach((name, typeAndHelp) -> {
            assertTrue(text.contains("# HELP " + name + " " + typeAndHelp[1] + "\n"), name + "\n" + text);
            assertTrue(text.contains("# TYPE " + name + " " + typeAndHelp[0] + "\n"), name + "\n" + text);
        });
        assertEquals(FAMILIES.size(), text.lines().filter(l -> l.startsWith("# TYPE ")).count(), text);
        // The bucket bounds, each as the writer renders it (Prometheus' canonical float form).
        assertBuckets(text, "spikelm_request_duration_seconds{endpoint=\"/v1/embeddings\"",
                "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "60.0");
        assertBuckets(text, "spikelm_batch_size{model=\"minilm\"",
                "1.0", "2.0", "4.0", "8.0", "16.0", "32.0", "64.0", "128.0", "256.0");
        assertBuckets(text, "spikelm_batch_requests{model=\"minilm\"",
                "1.0", "2.0", "4.0", "8.0", "16.0", "32.0", "64.0", "128.0", "256.0");
        assertBuckets(text, "spikelm_request_firing_rate{model=\"snn\"",
                "0.05", "0.1", "0.15", "0.2", "0.25", "0.3", "0.35", "0.4", "0.5", "0.6", "0.8", "1.0");
        assertBuckets(text, "spikelm_request_energy_joules{model=\"snn\"",
                "1.0E-6", "1.0E-5", "1.0E-4", "0.001", "0.01", "0.1", "1.0", "10.0");
    }

    /** Asserts the histogram series has exactly these finite bucket bounds, in order, then +Inf. */
    private static void assertBuckets(String text, String series, String... bounds) {
        String bucket = series.substring(0, series.indexOf('{')) + "_bucket" + series.substring(series.indexOf('{'));
        String[] les = text.lines().filter(l -> l.startsWith(bucket + ",le=\""))
                .map(l -> l.substring(bucket.length() + 5, l.indexOf('"', bucket.length() + 5))).toArray(String[]::new);
        String[] expected = new String[bounds.length + 1];
        System.arraycopy(bounds, 0, expected, 0, bounds.length);
        expected[bounds.length] = "+Inf";
        assertEquals(String.join(" ", expected), String.join(" ", les), series + "\n" + text);
    }

    @Test
    void valuesAreWhatWasRecorded() {
        ServerMetrics m = new ServerMetrics();
        m.requests.labelValues("/v1/embeddings", "200").inc();
        m.requests.labelValues("/v1/embeddings", "200").inc();
        m.requests.labelValues("/v1/embeddings", "400").inc();
        // 2^-8 and 0.25 are exact in binary, so the sum is exact; 0.25 sits on a bound (le is inclusive).
        m.latency.labelValues("/v1/chat/completions").observe(0.00390625);
        m.latency.labelValues("/v1/chat/completions").observe(0.25);
        m.latency.labelValues("/v1/chat/completions").observe(100);
        m.tokens.labelValues("gpt2", "completion").inc(48);
        m.tokens.labelValues("gpt2", "prompt").inc(0); // a usage without a count adds nothing, yet shows the series
        m.spikes("snn", new SpikeStats(0.125, 0.5));
        m.spikes("snn", new SpikeStats(0.375, 0.25));
        m.spikes("ann", new SpikeStats(Double.NaN, 0.5)); // an ANN has an energy but no firing rate
        AtomicInteger depth = new AtomicInteger(2);
        m.queueDepth("gpt2", depth::get);
        m.inFlight.inc();
        m.inFlight.inc();
        m.inFlight.dec();
        String text = m.scrape();
        assertBlock(text,
                "spikelm_requests_total{endpoint=\"/v1/embeddings\",status=\"200\"} 2.0",
                "spikelm_requests_total{endpoint=\"/v1/embeddings\",status=\"400\"} 1.0");
        assertBlock(text,
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"0.005\"} 1",
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"0.01\"} 1",
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"0.025\"} 1",
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"0.05\"} 1",
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"0.1\"} 1",
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"0.25\"} 2",
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"0.5\"} 2",
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"1.0\"} 2",
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"2.5\"} 2",
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"5.0\"} 2",
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"10.0\"} 2",
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"30.0\"} 2",
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"60.0\"} 2",
                "spikelm_request_duration_seconds_bucket{endpoint=\"/v1/chat/completions\",le=\"+Inf\"} 3",
                "spikelm_request_duration_seconds_count{endpoint=\"/v1/chat/completions\"} 3",
                "spikelm_request_duration_seconds_sum{endpoint=\"/v1/chat/completions\"} 100.25390625");
        // The writer orders labels by name: kind before model.
        assertBlock(text,
                "spikelm_tokens_total{kind=\"completion\",model=\"gpt2\"} 48.0",
                "spikelm_tokens_total{kind=\"prompt\",model=\"gpt2\"} 0.0");
        assertBlock(text,
                "spikelm_request_firing_rate_count{model=\"snn\"} 2",
                "spikelm_request_firing_rate_sum{model=\"snn\"} 0.5");
        assertTrue(text.contains("spikelm_request_firing_rate_bucket{model=\"snn\",le=\"0.1\"} 0\n"), text);
        assertTrue(text.contains("spikelm_request_firing_rate_bucket{model=\"snn\",le=\"0.15\"} 1\n"), text);
        assertTrue(text.contains("spikelm_request_firing_rate_bucket{model=\"snn\",le=\"0.4\"} 2\n"), text);
        assertTrue(text.lines().noneMatch(l -> l.startsWith("spikelm_request_firing_rate") && l.contains("model=\"ann\"")),
                "an ANN has no firing-rate series\n" + text);
        assertBlock(text,
                "spikelm_request_energy_joules_count{model=\"ann\"} 1",
                "spikelm_request_energy_joules_sum{model=\"ann\"} 0.5");
        assertBlock(text,
                "spikelm_request_energy_joules_count{model=\"snn\"} 2",
                "spikelm_request_energy_joules_sum{model=\"snn\"} 0.75");
        assertTrue(text.contains("spikelm_queue_depth{model=\"gpt2\"} 2.0\n"), text);
        assertTrue(text.contains("spikelm_in_flight_requests 1.0\n"), text);
        // The gauge is read when scraped, not when registered.
        depth.set(5);
        assertTrue(m.scrape().contains("spikelm_queue_depth{model=\"gpt2\"} 5.0\n"));
        // The label count is checked.
        assertThrows(IllegalArgumentException.class, () -> m.requests.labelValues("/v1/embeddings"));
    }

    /** Asserts the lines appear in the text one after another. */
    private static void assertBlock(String text, String... lines) {
        assertTrue(text.contains(String.join("\n", lines) + "\n"), String.join("\n", lines) + "\nnot in\n" + text);
    }

    @Test
    void eachInstanceHasItsOwnRegistry() {
        ServerMetrics a = new ServerMetrics();
        ServerMetrics b = new ServerMetrics(); // the same names again: no clash, as two servers in one JVM need
        a.requests.labelValues("/health", "200").inc();
        assertTrue(a.scrape().contains("spikelm_requests_total{endpoint=\"/health\",status=\"200\"} 1.0\n"), a.scrape());
        assertFalse(b.scrape().contains("endpoint=\"/health\""), b.scrape());
        assertTrue(PrometheusRegistry.defaultRegistry.scrape().stream()
                .noneMatch(s -> s.getMetadata().getName().startsWith("spikelm_")), "nothing on the global registry");
    }

    @Test
    void theContentTypeIsTheTextFormats() {
        assertEquals(PrometheusTextFormatWriter.create().getContentType(), ServerMetrics.CONTENT_TYPE);
        assertTrue(ServerMetrics.CONTENT_TYPE.startsWith("text/plain; version=0.0.4"), ServerMetrics.CONTENT_TYPE);
    }
}
