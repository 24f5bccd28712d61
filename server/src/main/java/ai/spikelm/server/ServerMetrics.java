package ai.spikelm.server;

/** The metrics the server exports, by name; {@link #scrape()} renders them for Prometheus. */
final class ServerMetrics {

    private final Metrics registry = new Metrics();

    /** HTTP requests by endpoint and status code. */
    final Metrics.Counter requests =
            registry.counter("spikelm_requests_total", "HTTP requests by endpoint and status code.", "endpoint", "status");
    /** Time from the request's headers to its last byte. */
    final Metrics.Histogram latency = registry.histogram("spikelm_request_duration_seconds",
            "Time from a request's headers to its response's last byte.", Metrics.SECONDS, "endpoint");
    /** Inputs per model call of an encoder (dynamic batching merges concurrent requests). */
    final Metrics.Histogram batchSize = registry.histogram("spikelm_batch_size",
            "Inputs per model call of an encoder: concurrent requests merged by dynamic batching.", Metrics.BATCH, "model");
    /** Requests per model call of an encoder. */
    final Metrics.Histogram batchRequests = registry.histogram("spikelm_batch_requests",
            "Requests per model call of an encoder.", Metrics.BATCH, "model");
    /** Requests refused because the model's queue was full. */
    final Metrics.Counter rejected = registry.counter("spikelm_queue_rejected_total",
            "Requests answered 429 because the model's queue was full.", "model");
    /** Firing rate of the model call that served a request. */
    final Metrics.Histogram firingRate = registry.histogram("spikelm_request_firing_rate",
            "Fraction of spike sites firing, over all sites and time steps, in the model call that served the request"
                    + " (spiking models only).", Metrics.RATE, "model");
    /** Estimated energy of a request. */
    final Metrics.Histogram energy = registry.histogram("spikelm_request_energy_joules",
            "Estimated energy per request (45 nm: 4.6 pJ/MAC, 0.9 pJ/accumulate); a batch's energy is shared by"
                    + " token count.", Metrics.JOULES, "model");
    /** Tokens read and written. */
    final Metrics.Counter tokens =
            registry.counter("spikelm_tokens_total", "Tokens by model and kind (prompt, completion).", "model", "kind");
    /** Generations by how they ended. */
    final Metrics.Counter generations = registry.counter("spikelm_generations_total",
            "Generations by outcome: completed, failed, or cancelled because the client went away.", "model", "outcome");
    /** Requests waiting for or holding a model. */
    final Metrics.Gauge queued =
            registry.gauge("spikelm_queue_depth", "Requests waiting for a model or running on it.", "model");
    /** Requests being handled. */
    final Metrics.Gauge inFlight = registry.gauge("spikelm_in_flight_requests", "HTTP requests being handled.");

    /** Returns the metrics in Prometheus' text format. */
    String scrape() {
        return registry.scrape();
    }
}
