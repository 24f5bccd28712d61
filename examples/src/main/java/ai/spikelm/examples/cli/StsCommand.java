package ai.spikelm.examples.cli;

import ai.djl.ndarray.NDManager;
import ai.spikelm.examples.report.EnergyReport;
import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.eval.StsEvaluator;
import ai.spikelm.zoo.eval.StsPair;
import ai.spikelm.zoo.eval.StsResult;
import ai.spikelm.zoo.family.EncoderModel;
import ai.spikelm.zoo.text.EncoderPipeline;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Zero-shot semantic textual similarity: the cosine similarity of two sentences' pooled
 * embeddings against the gold score, as Spearman and Pearson correlation over the pairs (the
 * sentence-transformers STS evaluation), for an ANN or a SpikeLM.
 *
 * <p>A spiking model is measured while it embeds (unless {@code --no-energy}): firing rate and
 * energy per real (unpadded) token. An ANN converted on load calibrates α on its first batch (the longest sentences), which
 * is then left out of the energy count.
 */
@Command(
        name = "sts",
        mixinStandardHelpOptions = true,
        description =
                "Zero-shot sentence similarity (STS-B): cosine of the embeddings vs gold scores, as Spearman and "
                + "Pearson x100; for a SpikeLM also the firing rate and energy per real token. Without --model, "
                + "the embedded all-MiniLM-L6-v2 (an ANN; -T converts it).")
final class StsCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ModelOptions modelOptions = new ModelOptions();

    @Mixin SpikingOptions spiking;

    @Option(names = "--data", description = "A glue_data directory: uses STS-B/dev.tsv.")
    Path data;

    @Option(names = "--file", description = "A TSV in the GLUE STS-B layout (header; sentence1, sentence2, score in columns 8-10).")
    Path file;

    @Option(names = "--pooling", defaultValue = "mean", description = "mean, cls, max or mean_sqrt_len (default ${DEFAULT-VALUE}).")
    String pooling;

    @Option(names = "--batch-size", defaultValue = "64", description = "Sentences per batch (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-length", defaultValue = "128", description = "Truncate sentences to this many tokens (default ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N pairs.")
    Integer limit;

    @Option(
            names = "--no-energy",
            description = "Do not count spikes and energy: counting takes the neurons off their one-pass path, about 30%% slower at T=4.")
    boolean noEnergy;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON (correlations as fractions).")
    Path json;

    @Override
    public Integer call() throws IOException {
        validate();
        Pooling mode = Pooling.of(pooling);
        Path tsv = file != null ? file : data.resolve("STS-B").resolve("dev.tsv");
        List<StsPair> pairs = StsEvaluator.readGlueStsb(tsv);
        if (limit != null && limit < pairs.size()) {
            pairs = pairs.subList(0, limit);
        }
        ModelSource source = modelOptions.source();
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager()) {
            EncoderModel encoder = source.loadEncoder(manager, saved -> spiking.given() ? spiking.apply(saved) : saved);
            SpikingConfig config = encoder.spiking();
            StsResult result;
            EnergyReport energy = null;
            // Only a spiking model is measured: the monitor takes the neurons off their one-pass path.
            try (EnergyReport.Recorder recorder = config.isSpiking() && !noEnergy ? EnergyReport.Recorder.attach(encoder) : null;
                    ProgressBar bar = EnergyCommand.progress(config.isSpiking() ? "STS T=" + config.timeSteps() : "STS ANN", 0)) {
                try (EncoderPipeline embedder =
                        EncoderPipeline.builder()
                                .setModel(encoder)
                                .setTokenizer(modelOptions.tokenizerFile(source))
                                .optMaxLength(Math.min(maxLength, encoder.shape().maxPositions()))
                                .optPooling(mode)
                                .optBatchSize(batchSize)
                                .optBatchListener(
                                        (index, batch) -> {
                                            if (recorder != null) {
                                                recorder.batchDone(batch);
                                            }
                                            bar.step();
                                        })
                                .build()) {
                    result = new StsEvaluator(embedder).evaluate(pairs);
                }
                if (recorder != null) {
                    energy = recorder.report(config.toString(), EnergyModel.DEFAULT);
                }
            }
            print(out, source, config, tsv, mode, result, energy);
            if (json != null) {
                writeJson(source, config, tsv, mode, result, energy);
            }
        }
        return 0;
    }

    private void validate() {
        if ((data == null) == (file == null)) {
            throw new ParameterException(spec.commandLine(), "Give exactly one of --data (a glue_data directory) and --file (an STS-B-layout TSV)");
        }
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
        }
        if (maxLength < 2) {
            throw new ParameterException(spec.commandLine(), "--max-length must be at least 2, got " + maxLength);
        }
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
        }
    }

    private void print(
            PrintWriter out, ModelSource source, SpikingConfig config, Path tsv, Pooling mode, StsResult result, EnergyReport energy) {
        out.printf(Locale.ROOT, "STS %s, %s, %s pooling, %s%n", source.name(), config, mode.name().toLowerCase(Locale.ROOT), tsv);
        out.printf(Locale.ROOT, "  Spearman %.2f  Pearson %.2f  (x100; %d pairs, %d sentences, %.1f s)%n",
                result.spearmanPercent(), result.pearsonPercent(), result.pairs(), result.sentences(), result.seconds());
        if (energy != null) {
            out.printf(Locale.ROOT, "  firing rate %s; energy per real token ANN %.4f µJ, this model %.4f µJ (%.1fx less; %d tokens measured)%n",
                    energy.overallFiringRateText(), energy.perToken().annJoules() * 1e6, energy.perToken().spikingJoules() * 1e6,
                    energy.perToken().savingFactor(), energy.tokens());
        }
        out.flush();
    }

    private void writeJson(
            ModelSource source, SpikingConfig config, Path tsv, Pooling mode, StsResult result, EnergyReport energy)
            throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("model", source.name());
        root.put("spiking", config.toString());
        if (config.isSpiking()) {
            root.put("time_steps", config.timeSteps());
        } else {
            root.putNull("time_steps");
        }
        root.put("data", tsv.toString());
        root.put("pooling", mode.name().toLowerCase(Locale.ROOT));
        root.put("batch_size", batchSize);
        root.put("max_length", maxLength);
        root.put("pairs", result.pairs());
        root.put("sentences", result.sentences());
        root.put("spearman", result.spearman());
        root.put("pearson", result.pearson());
        root.put("seconds", result.seconds());
        if (energy != null) {
            root.put("firing_rate", energy.overallFiringRate());
            root.put("ann_uj_per_token", energy.perToken().annJoules() * 1e6);
            root.put("model_uj_per_token", energy.perToken().spikingJoules() * 1e6);
            root.put("tokens_measured", energy.tokens());
        } else {
            root.putNull("firing_rate"); // an ANN has no spikes
        }
        Files.writeString(json, mapper.writeValueAsString(root));
    }
}
