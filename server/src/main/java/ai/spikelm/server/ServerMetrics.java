package ai.spikelm.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.DoubleSupplier;

/**
 * The metrics the server exports, by name (the one place that names them), on the official
 * Prometheus Java client; {@link #scrape()} renders them in Prometheus' text format.
 *
 * <p>Each instance has its own {@link PrometheusRegistry}, not the client's global default one:
 * two servers in one JVM (as in the tests) would otherwise register the same names twice and fail,
 * or share counts. All methods are thread-safe.
 */
final class ServerMetrics {

    /** Latency buckets in seconds. */
    static final double[] SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    /** Batch-size buckets (inputs per model call). */
    static final double[] BATCH = {1, 2, 4, 8, 16, 32, 64, 128, 256};
    /** Firing-rate buckets (fraction of spike sites that fire). */
    static final double[] RATE = {0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1};
    /** Energy buckets in joules (45 nm estimate per request). */
    static final double[] JOULES = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10};

    /** The format {@code GET /metrics} answers in (Prometheus text 0.0.4, without created timestamps). */
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();
    /** The content type of {@link #scrape()}'s text, as the writer names it. */
    static final String CONTENT_TYPE = WRITER.getContentType();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    /** Queue depth by model, read at scrape time; sorted so the series come out in a stable order. */
    private final Map<String, DoubleSupplier> queueDepths = new ConcurrentSkipListMap<>();

    /** HTTP requests by endpoint and status code. */
    final Counter requests = Counter.builder().name("spikelm_requests_total")
            .help("HTTP requests by endpoint and status code.").labelNames("endpoint", "status").register(registry);
    /** Time from the request's headers to its last byte. */
    final Histogram latency = histogram("spikelm_request_duration_seconds",
            "Time from a request's headers to its response's last byte.", SECONDS, "endpoint");
    /** Inputs per model call of an encoder (dynamic batching merges concurrent requests). */
    final Histogram batchSize = histogram("spikelm_batch_size",
            "Inputs per model call of an encoder: concurrent requests merged by dynamic batching.", BATCH, "model");
    /** Requests per model call of an encoder. */
    final Histogram batchRequests = histogram("spikelm_batch_requests",
            "Requests per model call of an encoder.", BATCH, "model");
    /** Requests refused because the model's queue was full. */
    final Counter rejected = Counter.builder().name("spikelm_queue_rejected_total")
            .help("Requests answered 429 because the model's queue was full.").labelNames("model").register(registry);
    /** Firing rate of the model call that served a request; observed through {@link #spikes}. */
    private final Histogram firingRate = histogram("spikelm_request_firing_rate",
            "Fraction of spike sites firing, over all sites and time steps, in the model call that served the request"
                    + " (spiking models only).", RATE, "model");
    /** Estimated energy of a request; observed through {@link #spikes}. */
    private final Histogram energy = histogram("spikelm_request_energy_joules",
            "Estimated energy per request (45 nm: 4.6 pJ/MAC, 0.9 pJ/accumulate); a batch's energy is shared by"
                    + " token count.", JOULES, "model");
    /** Tokens read and written, by model and kind (labels in that order). */
    final Counter tokens = Counter.builder().name("spikelm_tokens_total")
            .help("Tokens by model and kind (prompt, completion).").labelNames("model", "kind").register(registry);
    /** Generations by model and how they ended (labels in that order). */
    final Counter generations = Counter.builder().name("spikelm_generations_total")
            .help("Generations by outcome: completed, failed, or cancelled because the client went away.")
            .labelNames("model", "outcome").register(registry);
    /** Requests being handled: the handler increments it on arrival and decrements it on completion. */
    final Gauge inFlight = Gauge.builder().name("spikelm_in_flight_requests").help("HTTP requests being handled.")
            .register(registry);

    /** Creates the metrics on a registry of their own. */
    ServerMetrics() {
        // A callback gauge because each model's queue already knows its depth; counting it twice could drift.
        GaugeWithCallback.builder().name("spikelm_queue_depth").help("Requests waiting for a model or running on it.")
                .labelNames("model")
                .callback(gauge -> queueDepths.forEach((model, depth) -> gauge.call(depth.getAsDouble(), model)))
                .register(registry);
    }

    private Histogram histogram(String name, String help, double[] bounds, String label) {
        // Classic buckets only: the text format carries no native histogram, so keeping one would be wasted work.
        return Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(bounds).labelNames(label)
                .register(registry);
    }

    /**
     * Exports a model's queue depth as {@code spikelm_queue_depth{model=...}}, read when scraped.
     *
     * @param model the model's name
     * @param depth requests waiting for the model or running on it
     */
    void queueDepth(String model, DoubleSupplier depth) {
        queueDepths.put(model, depth);
    }

    /**
     * Records the firing rate and energy of the model call that served a request. A value that is
     * not finite is left out, so an ANN (firing rate NaN) has no firing-rate series at all rather
     * than one that stays at zero.
     *
     * @param model the model's name
     * @param stats the request's share of its model call
     */
    void spikes(String model, SpikeStats stats) {
        if (Double.isFinite(stats.firingRate())) {
            firingRate.labelValues(model).observe(stats.firingRate());
        }
        if (Double.isFinite(stats.joules())) {
            energy.labelValues(model).observe(stats.joules());
        }
    }

    /**
     * Returns the metrics in Prometheus' text format ({@link #CONTENT_TYPE}).
     *
     * @return the text
     */
    String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            WRITER.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
