package ai.spikelm.examples.cli;

import ai.spikelm.server.Batching;
import ai.spikelm.server.ModelSpec;
import ai.spikelm.server.ServeBench;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spikelm bench-serve}: a bounded load test of the server's embeddings on loopback, with
 * dynamic batching and then with batch size 1 ({@link ServeBench}).
 */
@Command(name = "bench-serve", mixinStandardHelpOptions = true,
        description = "Load-test /v1/embeddings on loopback: N clients, a fixed request count, with dynamic batching and with"
                + " batch size 1; throughput, p50/p95/p99 latency, errors, resident memory before and after.")
final class BenchServeCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--model", paramLabel = "NAME=SOURCE[,T=N]",
            description = "The encoder, as for serve (default " + ModelSpec.DEFAULT + ").")
    String model;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--requests", defaultValue = "400", description = "Measured requests per configuration (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warmup", defaultValue = "40", description = "Warm-up requests per configuration (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--inputs", defaultValue = "1", description = "Texts per request (default ${DEFAULT-VALUE}).")
    int inputs;

    @Option(names = "--max-batch", defaultValue = "32", description = "Dynamic batching: most texts per call (default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-wait-ms", defaultValue = "5", description = "Dynamic batching: wait for more requests (default ${DEFAULT-VALUE}).")
    int maxWaitMillis;

    @Option(names = "--max-seconds", defaultValue = "120", description = "Time limit of each measured run (default ${DEFAULT-VALUE}).")
    int maxSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String source = model == null ? ModelSpec.DEFAULT : model;
        ServeBench bench = ServeBench.builder()
                .setModel(ModelSpec.parse(source))
                .optBatching(Batching.builder().optMaxBatchSize(maxBatch).optMaxWait(Duration.ofMillis(maxWaitMillis)).build())
                .optClients(clients)
                .optRequests(requests)
                .optWarmupRequests(warmup)
                .optInputsPerRequest(inputs)
                .optMaxDuration(Duration.ofSeconds(maxSeconds))
                .build();
        List<ServeBench.Row> rows = bench.run(line -> {
            err.println(line);
            err.flush();
        });
        out.printf(Locale.ROOT, "%s, %d clients, %d requests of %d text(s)%n", source, clients, requests, inputs);
        out.printf(Locale.ROOT, "%-18s %9s %8s %8s %8s %7s %15s%n", "", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "RSS MB");
        for (ServeBench.Row r : rows) {
            out.printf(Locale.ROOT, "%-18s %9.1f %8.1f %8.1f %8.1f %7d %6d -> %d (%+.1f%%)%n", r.label(), r.result().throughput(),
                    r.result().percentile(50), r.result().percentile(95), r.result().percentile(99), r.result().errors(),
                    r.rssBeforeBytes() >> 20, r.rssAfterBytes() >> 20, 100 * r.rssGrowth());
        }
        for (ServeBench.Row r : rows) {
            if (r.result().firstError() != null) {
                err.printf("%s: %d errors, the first: %s%n", r.label(), r.result().errors(), r.result().firstError());
            }
        }
        out.printf(Locale.ROOT, "Dynamic batching: %.2fx the throughput of batch size 1%n",
                rows.get(0).result().throughput() / rows.get(1).result().throughput());
        out.flush();
        return rows.stream().anyMatch(r -> r.result().errors() > 0) ? 1 : 0;
    }
}
