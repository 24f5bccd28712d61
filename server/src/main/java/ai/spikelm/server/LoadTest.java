package ai.spikelm.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A bounded load test of {@code POST /v1/embeddings} on this machine: N concurrent clients send a
 * fixed number of requests between them, each request carrying a few texts, and the latency of
 * every request is kept. It stops at the request count or the time limit, whichever comes first,
 * and refuses any address that is not loopback.
 */
public final class LoadTest {

    private final URI baseUrl;
    private final String model;
    private final String apiKey;
    private final int clients;
    private final int requests;
    private final int inputsPerRequest;
    private final List<String> texts;
    private final Duration maxDuration;

    private LoadTest(Builder b) {
        this.baseUrl = b.baseUrl;
        this.model = b.model;
        this.apiKey = b.apiKey;
        this.clients = b.clients;
        this.requests = b.requests;
        this.inputsPerRequest = b.inputsPerRequest;
        this.texts = List.copyOf(b.texts);
        this.maxDuration = b.maxDuration;
    }

    /**
     * What a run measured.
     *
     * @param requests requests sent
     * @param errors requests that failed (a status other than 200, or no answer)
     * @param seconds wall time of the run
     * @param latenciesMillis every answered request's latency, sorted
     * @param firstError what went wrong first (a status and the start of the body, or the exception), or
     *     null without errors
     */
    public record Result(int requests, int errors, double seconds, double[] latenciesMillis, String firstError) {

        /**
         * Returns requests per second.
         *
         * @return the throughput
         */
        public double throughput() {
            return requests / seconds;
        }

        /**
         * Returns a latency percentile (nearest rank).
         *
         * @param p the percentile, in (0, 100]
         * @return milliseconds, NaN without answers
         */
        public double percentile(double p) {
            if (latenciesMillis.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100 * latenciesMillis.length);
            return latenciesMillis[Math.max(0, Math.min(latenciesMillis.length, rank) - 1)];
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d requests, %d errors, %.1f req/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms",
                    requests, errors, throughput(), percentile(50), percentile(95), percentile(99));
        }
    }

    /**
     * Runs the load.
     *
     * @return what it measured
     * @throws InterruptedException if interrupted
     */
    public Result run() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        long start = System.nanoTime();
        long deadline = start + maxDuration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<Double>>> work = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                work.add(pool.submit(() -> {
                    List<Double> latencies = new ArrayList<>();
                    int i;
                    while ((i = next.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                        long sent = System.nanoTime();
                        String error = send(http, i);
                        if (error == null) {
                            latencies.add((System.nanoTime() - sent) / 1e6);
                        } else {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, error);
                        }
                    }
                    return latencies;
                }));
            }
            List<Double> all = new ArrayList<>();
            for (Future<List<Double>> f : work) {
                try {
                    all.addAll(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("A load client failed: " + e.getCause(), e.getCause());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double[] sorted = all.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(sorted);
            return new Result(all.size() + errors.get(), errors.get(), seconds, sorted, firstError.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Sends one request; returns null on 200, else what went wrong. */
    private String send(HttpClient http, int index) throws InterruptedException {
        ObjectNode body = JsonRequest.MAPPER.createObjectNode();
        body.put("model", model);
        ArrayNode input = body.putArray("input");
        for (int k = 0; k < inputsPerRequest; k++) {
            input.add(texts.get((index * inputsPerRequest + k) % texts.size()));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(baseUrl.getPath() + "/embeddings"))
                .timeout(maxDuration) // a request slower than the whole run is an error
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return null;
            }
            String answer = response.body();
            return "HTTP " + response.statusCode() + ": " + answer.substring(0, Math.min(200, answer.length()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link LoadTest}. */
    public static final class Builder {
        private URI baseUrl;
        private String model;
        private String apiKey;
        private int clients = 8;
        private int requests = 200;
        private int inputsPerRequest = 1;
        private List<String> texts;
        private Duration maxDuration = Duration.ofMinutes(2);

        Builder() {}

        /**
         * Sets the server's OpenAI base URL, {@code http://127.0.0.1:PORT/v1} (loopback only).
         *
         * @param baseUrl the URL
         * @return this builder
         */
        public Builder setBaseUrl(URI baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /**
         * Sets the embedding model to ask for.
         *
         * @param model the served name
         * @return this builder
         */
        public Builder setModel(String model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the texts sent, in turn.
         *
         * @param texts at least one
         * @return this builder
         */
        public Builder setTexts(List<String> texts) {
            this.texts = texts;
            return this;
        }

        /**
         * Sets the API key, if the server wants one.
         *
         * @param apiKey the key or null
         * @return this builder
         */
        public Builder optApiKey(String apiKey) {
            this.apiKey = apiKey;
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
         * Sets the requests of the run (default 200).
         *
         * @param requests 1 to 1,000,000
         * @return this builder
         */
        public Builder optRequests(int requests) {
            this.requests = requests;
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
         * Sets the time limit (default 2 minutes).
         *
         * @param maxDuration at most 1 hour
         * @return this builder
         */
        public Builder optMaxDuration(Duration maxDuration) {
            this.maxDuration = maxDuration;
            return this;
        }

        /**
         * Builds the load test.
         *
         * @return the load test
         * @throws IllegalArgumentException for a value out of range or an address that is not loopback
         */
        public LoadTest build() {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(model, "model");
            if (texts == null || texts.isEmpty()) {
                throw new IllegalArgumentException("Give at least one text");
            }
            if (clients < 1 || clients > 256 || requests < 1 || requests > 1_000_000 || inputsPerRequest < 1
                    || inputsPerRequest > 256) {
                throw new IllegalArgumentException("clients must be 1-256, requests 1-1000000, inputs per request 1-256");
            }
            if (maxDuration.isNegative() || maxDuration.isZero() || maxDuration.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("The time limit must be above 0 and at most 1 hour");
            }
            try {
                if (!InetAddress.getByName(baseUrl.getHost()).isLoopbackAddress()) {
                    throw new IllegalArgumentException("The load test runs against this machine only (loopback), not " + baseUrl);
                }
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("Unknown host in " + baseUrl, e);
            }
            return new LoadTest(this);
        }
    }
}
