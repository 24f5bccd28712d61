package ai.spikelm.server;

import ai.spikelm.zoo.core.BurstTrimmer;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.NativeMemory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What dynamic batching buys: the same embedding load (see {@link LoadTest}) against a server on
 * loopback with dynamic batching, then with batch size 1 ({@link Batching#none()}), each after a
 * warm-up, with the process's resident memory before and after the measured run. The server runs
 * in this process, so the memory is the server's plus the small client's.
 */
public final class ServeBench {

    /** Quiet time before reading memory, so the engine's freed memory is handed back first. */
    private static final long SETTLE_MILLIS = 3 * BurstTrimmer.TRIM_DELAY_MILLIS;

    private final ModelSpec model;
    private final Batching batching;
    private final int clients;
    private final int requests;
    private final int warmupRequests;
    private final int inputsPerRequest;
    private final Duration maxDuration;
    private final List<String> texts;

    private ServeBench(Builder b) {
        this.model = b.model;
        this.batching = b.batching;
        this.clients = b.clients;
        this.requests = b.requests;
        this.warmupRequests = b.warmupRequests;
        this.inputsPerRequest = b.inputsPerRequest;
        this.maxDuration = b.maxDuration;
        this.texts = List.copyOf(b.texts);
    }

    /**
     * One configuration's measurement.
     *
     * @param label what was measured
     * @param batching the server's batching
     * @param result the load test's result
     * @param rssBeforeBytes resident memory after the warm-up, -1 where the system does not tell
     * @param rssAfterBytes resident memory after the run
     */
    public record Row(String label, Batching batching, LoadTest.Result result, long rssBeforeBytes, long rssAfterBytes) {

        /**
         * Returns the growth of resident memory over the run, as a fraction of the size before.
         *
         * @return the growth, NaN when unknown
         */
        public double rssGrowth() {
            return rssBeforeBytes <= 0 ? Double.NaN : (double) (rssAfterBytes - rssBeforeBytes) / rssBeforeBytes;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-22s %s; RSS %d -> %d MB (%+.1f%%)", label, result,
                    rssBeforeBytes >> 20, rssAfterBytes >> 20, 100 * rssGrowth());
        }
    }

    /**
     * Runs both configurations, one after the other.
     *
     * @param progress receives a line as each step begins
     * @return the rows: dynamic batching, then batch size 1
     * @throws IOException if a server cannot start
     * @throws InterruptedException if interrupted
     */
    public List<Row> run(Consumer<String> progress) throws IOException, InterruptedException {
        List<Row> rows = new ArrayList<>();
        rows.add(measure("dynamic batching", batching, progress));
        rows.add(measure("batch size 1", Batching.none(), progress));
        return rows;
    }

    private Row measure(String label, Batching settings, Consumer<String> progress) throws IOException, InterruptedException {
        progress.accept("Loading " + model.name() + " for " + label + " (" + settings + ")");
        try (SpikeLmServer server = SpikeLmServer.builder()
                .addModel(model)
                .optHost("127.0.0.1")
                .optPort(0)
                .optBatching(settings)
                .optLimits(ServerLimits.builder().optQueueCapacity(Math.max(64, clients)).optMaxInputs(Math.max(256, inputsPerRequest)).build())
                .build()
                .start()) {
            LoadTest.Builder load = LoadTest.builder().setBaseUrl(server.baseUrl()).setModel(model.name()).setTexts(texts)
                    .optClients(clients).optInputsPerRequest(inputsPerRequest).optMaxDuration(maxDuration);
            progress.accept("Warming up: " + warmupRequests + " requests");
            load.optRequests(warmupRequests).build().run();
            long before = settledResidentBytes();
            progress.accept("Measuring: " + requests + " requests from " + clients + " clients");
            LoadTest.Result result = load.optRequests(requests).build().run();
            long after = settledResidentBytes();
            return new Row(label, settings, result, before, after);
        }
    }

    private static long settledResidentBytes() throws InterruptedException {
        Thread.sleep(SETTLE_MILLIS);
        return NativeMemory.residentBytes().orElse(-1);
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ServeBench}. */
    public static final class Builder {
        private ModelSpec model;
        private Batching batching = Batching.builder().build();
        private int clients = 8;
        private int requests = 400;
        private int warmupRequests = 40;
        private int inputsPerRequest = 1;
        private Duration maxDuration = Duration.ofMinutes(2);
        private List<String> texts = CalibrationSet.sampleLines();

        Builder() {}

        /**
         * Sets the embedding model.
         *
         * @param model the model
         * @return this builder
         */
        public Builder setModel(ModelSpec model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the dynamic batching compared with batch size 1 (default 32 texts, 5 ms).
         *
         * @param batching the settings
         * @return this builder
         */
        public Builder optBatching(Batching batching) {
            this.batching = Objects.requireNonNull(batching, "batching");
            return this;
        }

        /**
         * Sets the concurrent clients (default 8).
         *
         * @param clients 1 to 256
         * @return this builder
         */
        public Builder optClients(int clients) {
            this.clients = clients;
            return this;
        }

        /**
         * Sets the measured requests per configuration (default 400).
         *
         * @param requests at least 1
         * @return this builder
         */
        public Builder optRequests(int requests) {
            this.requests = requests;
            return this;
        }

        /**
         * Sets the warm-up requests per configuration (default 40).
         *
         * @param requests at least 1
         * @return this builder
         */
        public Builder optWarmupRequests(int requests) {
            this.warmupRequests = requests;
            return this;
        }

        /**
         * Sets the texts per request (default 1).
         *
         * @param inputs 1 to 256
         * @return this builder
         */
        public Builder optInputsPerRequest(int inputs) {
            this.inputsPerRequest = inputs;
            return this;
        }

        /**
         * Sets the time limit of each run (default 2 minutes).
         *
         * @param maxDuration above 0, at most 1 hour
         * @return this builder
         */
        public Builder optMaxDuration(Duration maxDuration) {
            this.maxDuration = Objects.requireNonNull(maxDuration, "maxDuration");
            return this;
        }

        /**
         * Sets the texts sent (default the embedded sample lines).
         *
         * @param texts at least one
         * @return this builder
         */
        public Builder optTexts(List<String> texts) {
            this.texts = Objects.requireNonNull(texts, "texts");
            return this;
        }

        /**
         * Builds the bench.
         *
         * @return the bench
         * @throws IllegalArgumentException for a value out of range
         */
        public ServeBench build() {
            Objects.requireNonNull(model, "model");
            if (requests < 1 || warmupRequests < 1) {
                throw new IllegalArgumentException("requests and warm-up requests must be at least 1");
            }
            // The load test checks the rest when it is built.
            LoadTest.builder().setBaseUrl(java.net.URI.create("http://127.0.0.1:1/v1")).setModel(model.name()).setTexts(texts)
                    .optClients(clients).optRequests(requests).optInputsPerRequest(inputsPerRequest).optMaxDuration(maxDuration)
                    .build();
            return new ServeBench(this);
        }
    }
}
