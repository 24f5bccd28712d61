package ai.spikelm.spark.cli;

import ai.spikelm.spark.EmbedJob;
import ai.spikelm.spark.EmbedSummary;
import ai.spikelm.spark.EncoderSpec;
import ai.spikelm.spark.ExecutorEncoders;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Throughput of {@code spark-embed} under several masters in one JVM: each master gets a warm-up
 * run (the first loads the model, which then stays loaded for every session of the JVM), then the
 * masters take turns for the given rounds, so that a change in the machine's load hits all of them
 * alike. Each run is the whole job, from reading the input to the written Parquet.
 */
@Command(
        name = "spark-bench",
        mixinStandardHelpOptions = true,
        description = "Rows/s of spark-embed under several masters (default local[1] and local[2]) in interleaved rounds, "
                + "after a warm-up run each; prints every round, the median and the ratio to the first master. "
                + "Run it on a quiet machine.")
final class SparkBenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin DatasetOptions dataset = new DatasetOptions();

    @Mixin EncoderOptions encoderOptions = new EncoderOptions();

    @Option(
            names = "--masters",
            split = ",",
            defaultValue = "local[1],local[2]",
            description = "Masters to compare, comma-separated (default ${DEFAULT-VALUE}).")
    List<String> masters;

    @Option(names = "--rounds", defaultValue = "3", description = "Timed runs per master (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "Spread the rows over N partitions (default: the input's, at least the master's default parallelism).")
    Integer partitions;

    @Override
    public Integer call() throws IOException {
        if (rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--rounds must be at least 1, got " + rounds);
        }
        if (partitions != null && partitions < 1) {
            throw new ParameterException(spec.commandLine(), "--partitions must be at least 1, got " + partitions);
        }
        EncoderSpec encoder = encoderOptions.toSpec(spec, SparkEmbedCommand.BATCH_SIZE, null);
        Path scratch = Files.createTempDirectory("spikelm-spark-bench");
        PrintWriter out = spec.commandLine().getOut();
        Map<String, List<EmbedSummary>> runs = new LinkedHashMap<>();
        try {
            EmbedJob job = job(encoder, scratch);
            out.printf(Locale.ROOT, "spark-bench %s with %s (%s), %d rounds%n",
                    dataset.input, encoder.modelName(), encoder.describeSpiking(), rounds);
            for (String master : masters) {
                EmbedSummary warmUp = run(job, master);
                out.printf(Locale.ROOT, "  warm-up %-12s %d rows, %d partitions, %.1f rows/s%n",
                        master, warmUp.rows(), warmUp.partitions(), warmUp.rowsPerSecond());
                out.flush();
                runs.put(master, new ArrayList<>());
            }
            for (int round = 1; round <= rounds; round++) {
                for (String master : masters) {
                    EmbedSummary s = run(job, master);
                    runs.get(master).add(s);
                    out.printf(Locale.ROOT, "  round %d %-12s %.1f s, %.1f rows/s%n", round, master, s.seconds(), s.rowsPerSecond());
                    out.flush();
                }
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        } finally {
            ExecutorEncoders.closeAll();
            delete(scratch);
        }
        double first = median(runs.get(masters.get(0)));
        for (Map.Entry<String, List<EmbedSummary>> e : runs.entrySet()) {
            double median = median(e.getValue());
            double[] all = e.getValue().stream().mapToDouble(EmbedSummary::rowsPerSecond).sorted().toArray();
            out.printf(Locale.ROOT, "%-12s median %.1f rows/s (range %.1f-%.1f), x%.2f vs %s%n",
                    e.getKey(), median, all[0], all[all.length - 1], median / first, masters.get(0));
        }
        out.flush();
        return 0;
    }

    private EmbedJob job(EncoderSpec encoder, Path scratch) {
        return dataset.job()
                .setOutput(scratch.resolve("out.parquet").toString())
                .optEncoder(encoder)
                .optPartitions(partitions)
                .optOverwrite(true)
                .build();
    }

    /** One run in a session of its own; the JVM's encoders stay loaded for the next. */
    private static EmbedSummary run(EmbedJob job, String master) {
        SparkSession spark = SparkOptions.session("spikelm spark-bench", master);
        try {
            return job.run(spark);
        } finally {
            spark.stop();
        }
    }

    private static double median(List<EmbedSummary> runs) {
        double[] r = runs.stream().mapToDouble(EmbedSummary::rowsPerSecond).sorted().toArray();
        return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("Could not delete " + dir + ": " + e.getMessage());
        }
    }
}
