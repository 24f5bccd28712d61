package ai.spikelm.examples.cli;

import ai.spikelm.server.Batching;
import ai.spikelm.server.ModelSpec;
import ai.spikelm.server.ServerLimits;
import ai.spikelm.server.SpikeLmServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spikelm serve}: the OpenAI-compatible server of the {@code spikelm-server} module on the
 * given models, until SIGTERM or Ctrl-C, which stop it gracefully ({@link CleanStop}): new requests
 * are refused, those in flight finish, the models are released, and only then does the JVM exit.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve models over OpenAI's HTTP API: /v1/embeddings, /v1/chat/completions (JSON or"
                + " server-sent events), /v1/completions, /v1/models, /health, /ready, /metrics.")
final class ServeCommand implements Callable<Integer> {

    /** The environment variable that holds the API key (a command-line key would show in ps). */
    static final String API_KEY_ENV = "SPIKELM_API_KEY";

    @Spec CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--model", paramLabel = "NAME=SOURCE[,T=N]",
            description = "A model to serve, repeatable: NAME is what clients ask for; SOURCE a Hugging Face-layout folder"
                    + " (an encoder serves embeddings, a GPT-2 or BART chat and completions), a Hub id org/name[@revision],"
                    + " or 'embedded' (all-MiniLM-L6-v2); T=N runs it as SpikeLM with N time steps. Convert ONNX or"
                    + " TensorFlow encoders with 'spikelm convert' first. Default: " + ModelSpec.DEFAULT + ".")
    List<String> models;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "Require 'Authorization: Bearer KEY' on /v1/ with the key in this file (or in $" + API_KEY_ENV + ").")
    Path apiKeyFile;

    @Mixin ServingOptions serving = new ServingOptions();

    @Option(names = "--shutdown-timeout", defaultValue = "30",
            description = "Seconds a stop waits for requests in flight (default ${DEFAULT-VALUE}).")
    int shutdownSeconds;

    @Override
    public Integer call() throws Exception {
        if (shutdownSeconds < 0) {
            throw new IllegalArgumentException("--shutdown-timeout must not be negative, got " + shutdownSeconds);
        }
        String key = apiKey();
        SpikeLmServer.Builder builder = SpikeLmServer.builder()
                .optHost(host)
                .optPort(port)
                .optApiKey(key)
                .optLimits(serving.limits())
                .optBatching(serving.batching())
                .optShutdownTimeout(Duration.ofSeconds(shutdownSeconds));
        for (String model : models == null || models.isEmpty() ? List.of(ModelSpec.DEFAULT) : models) {
            builder.addModel(ModelSpec.parse(model));
        }
        PrintWriter err = spec.commandLine().getErr();
        // The server closes (gracefully) before CleanStop lets a signalled JVM exit.
        try (CleanStop stop = CleanStop.install("serve")) {
            try (SpikeLmServer server = builder.build()) { // loads every model
                server.start();
                CountDownLatch stopRequested = new CountDownLatch(1);
                stop.onStop(stopRequested::countDown);
                err.printf("Serving %s at %s%s; Ctrl-C stops%n", server.modelNames(), server.baseUrl(),
                        key == null ? "" : " (API key required)");
                err.flush();
                stopRequested.await();
                err.printf("Stopping: requests in flight finish (at most %d s)%n", shutdownSeconds);
                err.flush();
            }
            err.println("Stopped");
            err.flush();
        }
        return 0;
    }

    private String apiKey() throws IOException {
        if (apiKeyFile != null) {
            if (!Files.isRegularFile(apiKeyFile)) {
                throw new IllegalArgumentException("--api-key-file " + apiKeyFile + " is not a file");
            }
            String key = Files.readString(apiKeyFile, StandardCharsets.UTF_8).strip();
            if (key.isEmpty()) {
                throw new IllegalArgumentException("--api-key-file " + apiKeyFile + " is empty");
            }
            return key;
        }
        String env = System.getenv(API_KEY_ENV);
        return env == null || env.isBlank() ? null : env.strip();
    }

    /** Batching and request limits. */
    static final class ServingOptions {
        @Option(names = "--max-batch", defaultValue = "32", description = "Most texts merged into one encoder call (default ${DEFAULT-VALUE}).")
        int maxBatch;

        @Option(names = "--max-wait-ms", defaultValue = "5",
                description = "Milliseconds a batch waits for more requests after its first (default ${DEFAULT-VALUE}).")
        int maxWaitMillis;

        @Option(names = "--queue", defaultValue = "64", description = "Requests that may wait per model; beyond it 429 (default ${DEFAULT-VALUE}).")
        int queue;

        @Option(names = "--max-body-bytes", defaultValue = "2097152", description = "Largest request body (default ${DEFAULT-VALUE}).")
        int maxBodyBytes;

        @Option(names = "--max-inputs", defaultValue = "256", description = "Most texts per embeddings request (default ${DEFAULT-VALUE}).")
        int maxInputs;

        @Option(names = "--max-input-tokens", defaultValue = "8192",
                description = "Most tokens per embedding input, over all its windows (default ${DEFAULT-VALUE}).")
        int maxInputTokens;

        @Option(names = "--max-tokens", defaultValue = "1024", description = "Most tokens a completion may ask for (default ${DEFAULT-VALUE}).")
        int maxTokens;

        Batching batching() {
            return Batching.builder().optMaxBatchSize(maxBatch).optMaxWait(Duration.ofMillis(maxWaitMillis)).build();
        }

        ServerLimits limits() {
            return ServerLimits.builder().optQueueCapacity(queue).optMaxBodyBytes(maxBodyBytes).optMaxInputs(maxInputs)
                    .optMaxInputTokens(maxInputTokens).optMaxOutputTokens(maxTokens).build();
        }
    }
}
