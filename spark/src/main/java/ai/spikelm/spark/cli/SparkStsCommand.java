package ai.spikelm.spark.cli;

import ai.spikelm.spark.EncoderSpec;
import ai.spikelm.spark.StsJob;
import ai.spikelm.spark.StsJobResult;
import ai.spikelm.zoo.eval.StsEvaluator;
import ai.spikelm.zoo.eval.StsPair;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Zero-shot STS-B over Spark partitions, with the same numbers as {@code spikelm sts}. */
@Command(
        name = "spark-sts",
        mixinStandardHelpOptions = true,
        description = "Zero-shot sentence similarity (GLUE STS-B dev set) over Spark partitions: Spearman and Pearson x100 "
                + "of the embeddings' cosines vs gold, equal to the single-process `spikelm sts`.")
final class SparkStsCommand implements Callable<Integer> {

    /** Sentences per forward pass and window, as {@code spikelm sts}. */
    static final int BATCH_SIZE = 64;

    static final int MAX_LENGTH = 128;

    @Spec CommandSpec spec;

    @Option(names = "--data", description = "A glue_data directory: uses STS-B/dev.tsv (read by the driver).")
    Path data;

    @Option(names = "--file", description = "A TSV in the GLUE STS-B layout (read by the driver).")
    Path file;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N pairs.")
    Integer limit;

    @Mixin EncoderOptions encoderOptions = new EncoderOptions();

    @Mixin SparkOptions sparkOptions = new SparkOptions();

    @Override
    public Integer call() throws IOException {
        if ((data == null) == (file == null)) {
            throw new ParameterException(spec.commandLine(), "Give exactly one of --data (a glue_data directory) and --file (an STS-B-layout TSV)");
        }
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
        }
        EncoderSpec encoder = encoderOptions.toSpec(spec, BATCH_SIZE, MAX_LENGTH);
        sparkOptions.validate(spec);
        Path tsv = file != null ? file : data.resolve("STS-B").resolve("dev.tsv");
        List<StsPair> pairs = StsEvaluator.readGlueStsb(tsv);
        if (limit != null && limit < pairs.size()) {
            pairs = pairs.subList(0, limit);
        }
        SparkSession spark = sparkOptions.session("spikelm spark-sts");
        try {
            StsJobResult result = StsJob.builder()
                    .setPairs(pairs)
                    .optEncoder(encoder)
                    .optPartitions(sparkOptions.partitions)
                    .build()
                    .run(spark);
            print(spec.commandLine().getOut(), encoder, tsv, result);
        } finally {
            SparkOptions.stop(spark);
        }
        return 0;
    }

    private static void print(PrintWriter out, EncoderSpec encoder, Path tsv, StsJobResult r) {
        out.printf(Locale.ROOT, "STS %s, %s, %s pooling, %s, %d partitions%n", encoder.modelName(),
                encoder.describeSpiking(), encoder.pooling().name().toLowerCase(Locale.ROOT), tsv, r.partitions());
        out.printf(Locale.ROOT, "  Spearman %.2f  Pearson %.2f  (x100; %d pairs, %d sentences, %.1f s)%n",
                r.result().spearmanPercent(), r.result().pearsonPercent(), r.result().pairs(), r.result().sentences(),
                r.result().seconds());
        if (r.microjoulesPerToken() != null) {
            out.printf(Locale.ROOT, "  energy per real token: ANN %.4f µJ, this model %.4f µJ%s (%d tokens, padding counted)%n",
                    r.annMicrojoulesPerToken(), r.microjoulesPerToken(),
                    r.firingRate() == null ? "" : String.format(Locale.ROOT, "; firing rate %.4f", r.firingRate()),
                    r.tokens());
        }
        out.flush();
    }
}
