package ai.spikelm.server;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible HTTP server for SpikeLM models (see the package documentation for the
 * endpoints). {@link Builder#build()} loads every model once; {@link #start()} binds the port;
 * {@link #close()} stops gracefully: readiness turns false, new requests get 503, requests in
 * flight finish (up to the shutdown timeout), then the models are released.
 */
public final class SpikeLmServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpikeLmServer.class);

    private final ModelTable models;
    private final ServerMetrics metrics = new ServerMetrics();
    private final Server jetty;
    private final ServerConnector connector;
    private final String host;
    private volatile boolean ready;
    private boolean closed;

    private SpikeLmServer(Builder b) {
        this.host = b.host;
        this.models = new ModelTable();
        try {
            for (ModelSpec spec : b.models) {
                LOG.info("Loading model '{}' from {}{}", spec.name(), spec.source(),
                        spec.timeSteps() == null ? "" : " as SpikeLM T=" + spec.timeSteps());
                models.add(ModelLoader.load(spec, b.batching, b.limits, metrics));
            }
        } catch (RuntimeException e) {
            models.close(); // what was loaded must not outlive a server that will never serve
            throw e;
        }
        // The model queues are bounded (429 beyond them), so the threads waiting on them are too.
        QueuedThreadPool threads = new QueuedThreadPool(b.maxThreads, Math.min(8, b.maxThreads));
        threads.setName("spikelm-http");
        this.jetty = new Server(threads);
        this.connector = new ServerConnector(jetty, 1, 1);
        connector.setHost(b.host);
        connector.setPort(b.port);
        connector.setIdleTimeout(b.idleTimeout.toMillis());
        jetty.addConnector(connector);
        ApiKey key = b.apiKey == null ? null : new ApiKey(b.apiKey);
        jetty.setHandler(new RefusingWhenStopping(new OpenAiHandler(models, b.limits, metrics, key, () -> ready)));
        jetty.setStopTimeout(b.shutdownTimeout.toMillis());
        jetty.setStopAtShutdown(false); // the caller decides when: close() or its own shutdown hook
    }

    /** Answers requests that arrive while stopping with an OpenAI-style 503. */
    private static final class RefusingWhenStopping extends GracefulHandler {
        RefusingWhenStopping(OpenAiHandler handler) {
            super(handler);
        }

        @Override
        protected void handleShutdownRejection(Request request, Response response, Callback callback) {
            new Exchange(request, response, callback).error(ApiException.unavailable("The server is shutting down"));
        }
    }

    /**
     * Binds the port and starts serving.
     *
     * @return this server
     * @throws IOException if the port cannot be bound
     */
    public synchronized SpikeLmServer start() throws IOException {
        if (closed) {
            throw new IllegalStateException("The server is closed");
        }
        try {
            jetty.start();
        } catch (IOException e) {
            throw new IOException("Cannot listen on " + host + ":" + connector.getPort() + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IOException("Cannot start the server: " + e.getMessage(), e);
        }
        ready = true;
        LOG.info("Serving {} on {}", modelNames(), baseUrl());
        return this;
    }

    /**
     * Returns the bound port (the chosen one when built with port 0).
     *
     * @return the port
     */
    public int port() {
        return connector.getLocalPort();
    }

    /**
     * Returns the OpenAI base URL, {@code http://HOST:PORT/v1}, for clients.
     *
     * @return the URL
     */
    public URI baseUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port() + "/v1");
    }

    /**
     * Returns the served model names, in the order they were added.
     *
     * @return the names
     */
    public List<String> modelNames() {
        List<String> names = new ArrayList<>();
        models.all().forEach(m -> names.add(m.name()));
        return names;
    }

    /**
     * Returns whether the server takes requests ({@code GET /ready} answers 200).
     *
     * @return true between start and close
     */
    public boolean isReady() {
        return ready;
    }

    /**
     * Returns the metrics in Prometheus' text format, as {@code GET /metrics} does.
     *
     * @return the text
     */
    public String metrics() {
        return metrics.scrape();
    }

    /**
     * Waits until the server has stopped.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitStop() throws InterruptedException {
        jetty.join();
    }

    /**
     * Stops gracefully: no new requests, those in flight finish (up to the shutdown timeout), then
     * every model is released. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("The HTTP server did not stop cleanly: {}", e.toString());
        } finally {
            models.close();
        }
        LOG.info("Stopped");
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SpikeLmServer}. */
    public static final class Builder {
        private final List<ModelSpec> models = new ArrayList<>();
        private String host = "127.0.0.1";
        private int port = 8080;
        private String apiKey;
        private ServerLimits limits = ServerLimits.defaults();
        private Batching batching = Batching.builder().build();
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofMinutes(2);
        private int maxThreads = 200;

        Builder() {}

        /**
         * Adds a model to serve (at least one is required).
         *
         * @param model the model
         * @return this builder
         */
        public Builder addModel(ModelSpec model) {
            models.add(Objects.requireNonNull(model, "model"));
            return this;
        }

        /**
         * Sets the address to listen on (default {@code 127.0.0.1}: loopback only; {@code 0.0.0.0}
         * for every interface).
         *
         * @param host the address
         * @return this builder
         */
        public Builder optHost(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * Sets the port (default 8080; 0 picks a free one, see {@link SpikeLmServer#port()}).
         *
         * @param port 0 to 65535
         * @return this builder
         */
        public Builder optPort(int port) {
            this.port = port;
            return this;
        }

        /**
         * Requires {@code Authorization: Bearer KEY} on {@code /v1/} (health, readiness and metrics
         * stay open).
         *
         * @param apiKey the key, or null for none
         * @return this builder
         */
        public Builder optApiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /**
         * Sets the request limits (default {@link ServerLimits#defaults()}).
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder optLimits(ServerLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Sets dynamic batching of embedding requests (default 32 texts, 5 ms).
         *
         * @param batching the settings
         * @return this builder
         */
        public Builder optBatching(Batching batching) {
            this.batching = Objects.requireNonNull(batching, "batching");
            return this;
        }

        /**
         * Sets how long {@link SpikeLmServer#close()} waits for requests in flight (default 30 s).
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder optShutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets the most HTTP threads (default 200); each request waiting for a model holds one.
         *
         * @param maxThreads at least 8
         * @return this builder
         */
        public Builder optMaxThreads(int maxThreads) {
            this.maxThreads = maxThreads;
            return this;
        }

        /**
         * Loads every model and prepares the server (it listens once started).
         *
         * @return the server
         * @throws IllegalArgumentException if a setting or a model is invalid
         * @throws java.io.UncheckedIOException if a model cannot be read
         */
        public SpikeLmServer build() {
            if (models.isEmpty()) {
                throw new IllegalArgumentException("Add at least one model to serve");
            }
            Set<String> names = new HashSet<>();
            for (ModelSpec m : models) {
                if (!names.add(m.name())) { // checked before anything loads
                    throw new IllegalArgumentException("Two models are named '" + m.name() + "'");
                }
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("The port must be in [0, 65535], got " + port);
            }
            if (maxThreads < 8) {
                throw new IllegalArgumentException("The HTTP server needs at least 8 threads, got " + maxThreads);
            }
            if (shutdownTimeout.isNegative()) {
                throw new IllegalArgumentException("The shutdown timeout must not be negative");
            }
            if (apiKey != null && apiKey.isBlank()) {
                throw new IllegalArgumentException("The API key is empty");
            }
            return new SpikeLmServer(this);
        }
    }
}
