package ai.spikelm.spark.cli;

import ai.spikelm.spark.EmbedJob;
import ai.spikelm.spark.EmbedSummary;
import ai.spikelm.spark.EncoderSpec;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Embeds a dataset on Spark and writes Parquet with vectors, firing rate and energy. */
@Command(
        name = "spark-embed",
        mixinStandardHelpOptions = true,
        description = "Embed a text (one row per non-blank line), JSONL or Parquet dataset on Spark and write Parquet: "
                + "the input columns plus embedding, tokens, firing_rate, energy_uj and ann_energy_uj.")
final class SparkEmbedCommand implements Callable<Integer> {

    /** Texts per forward pass, as {@code spikelm embed}. */
    static final int BATCH_SIZE = 32;

    @Spec CommandSpec spec;

    @Mixin DatasetOptions dataset = new DatasetOptions();

    @Option(names = "--output", required = true, description = "Parquet output directory or URI.")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Mixin EncoderOptions encoderOptions = new EncoderOptions();

    @Mixin SparkOptions sparkOptions = new SparkOptions();

    @Override
    public Integer call() {
        EncoderSpec encoder = encoderOptions.toSpec(spec, BATCH_SIZE, null);
        sparkOptions.validate(spec);
        EmbedJob job;
        try {
            job = dataset.job()
                    .setOutput(output)
                    .optEncoder(encoder)
                    .optPartitions(sparkOptions.partitions)
                    .optOverwrite(overwrite)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        SparkSession spark = sparkOptions.session("spikelm spark-embed");
        try {
            print(spec.commandLine().getOut(), encoder, job.run(spark));
        } finally {
            SparkOptions.stop(spark);
        }
        return 0;
    }

    private void print(PrintWriter out, EncoderSpec encoder, EmbedSummary s) {
        out.printf(Locale.ROOT, "Embedded %s with %s (%s): %d rows, %d tokens, %d partitions, %.1f s, %.1f rows/s -> %s%n",
                dataset.input, encoder.modelName(), encoder.describeSpiking(), s.rows(), s.tokens(), s.partitions(),
                s.seconds(), s.rowsPerSecond(), output);
        if (s.microjoulesPerToken() != null) {
            out.printf(Locale.ROOT, "  energy per real token: ANN %.4f µJ, this model %.4f µJ%s (padding counted)%n",
                    s.annMicrojoulesPerToken(), s.microjoulesPerToken(),
                    s.firingRate() == null ? "" : String.format(Locale.ROOT, "; firing rate %.4f", s.firingRate()));
        }
        out.flush();
    }
}
