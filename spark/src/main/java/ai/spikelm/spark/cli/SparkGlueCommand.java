package ai.spikelm.spark.cli;

import ai.spikelm.spark.ClassifierSpec;
import ai.spikelm.spark.GlueJob;
import ai.spikelm.spark.GlueJobResult;
import ai.spikelm.spark.LoadedClassifier;
import ai.spikelm.zoo.eval.glue.GlueExample;
import ai.spikelm.zoo.eval.glue.GlueReader;
import ai.spikelm.zoo.eval.glue.GlueScores;
import ai.spikelm.zoo.eval.glue.GlueSubset;
import ai.spikelm.zoo.eval.glue.GlueTask;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A fine-tuned classifier's GLUE dev-set evaluation over Spark partitions, with the metrics of the
 * single-process {@code spikelm glue} run without {@code --train} (same data, subset and seed).
 */
@Command(
        name = "spark-glue",
        mixinStandardHelpOptions = true,
        description = "Evaluate a fine-tuned GLUE classifier (a `spikelm glue --train --out DIR` checkpoint, DIR/best) on "
                + "every dev split of its task over Spark partitions: the metrics of `spikelm glue` without --train.")
final class SparkGlueCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, description = "The glue_data directory (read by the driver).")
    Path data;

    @Option(names = "--task", required = true, description = "CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE or WNLI.")
    String taskName;

    @Option(
            names = "--model",
            required = true,
            description = "The fine-tuned classifier: a Hugging Face-layout directory (on a file system every executor sees) or Hub id.")
    String model;

    @Option(names = "--dev-subset", paramLabel = "N", description = "Seeded subset of this many examples of each dev split.")
    Integer devSubset;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the subset (default ${DEFAULT-VALUE}, as spikelm glue).")
    long seed;

    @Option(names = {"-T", "--time-steps"}, description = "SpikeLM time steps (default: the model's own; an ANN stays ANN).")
    Integer timeSteps;

    @Option(names = "--ann", description = "Run as a plain ANN.")
    boolean ann;

    @Option(names = "--batch-size", defaultValue = "32", description = "Examples per forward pass (default ${DEFAULT-VALUE}, as spikelm glue).")
    int batchSize;

    @Option(names = "--max-length", defaultValue = "128", description = "Tokens per example (default ${DEFAULT-VALUE}, as spikelm glue).")
    int maxLength;

    @Option(names = "--json", description = "Write the metrics as JSON.")
    Path json;

    @Mixin SparkOptions sparkOptions = new SparkOptions();

    @Override
    public Integer call() throws IOException {
        if (ann && timeSteps != null) {
            throw new ParameterException(spec.commandLine(), "Give either --ann or -T, not both");
        }
        if (devSubset != null && devSubset < 1) {
            throw new ParameterException(spec.commandLine(), "--dev-subset must be at least 1, got " + devSubset);
        }
        sparkOptions.validate(spec);
        GlueTask task;
        ClassifierSpec classifier;
        try {
            task = GlueTask.fromName(taskName);
            classifier = ClassifierSpec.builder()
                    .setModel(model)
                    .setTask(task)
                    .optTimeSteps(timeSteps)
                    .optAnn(ann)
                    .optBatchSize(batchSize)
                    .optMaxLength(maxLength)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Map<String, List<GlueExample>> dev = readDev(task);
        // A model that needs calibrating is calibrated on the first batch of the first split, as in
        // `spikelm glue`, on every executor and for every split.
        classifier = classifier.toBuilder().optCalibration(dev.values().iterator().next()).build();
        try {
            LoadedClassifier.check(classifier);
        } catch (IllegalArgumentException | IOException e) {
            throw new ParameterException(spec.commandLine(), "--model: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<String, GlueJobResult> results = new LinkedHashMap<>();
        SparkSession spark = sparkOptions.session("spikelm spark-glue");
        try {
            out.printf(Locale.ROOT, "GLUE %s, %s, %s%n", task, model, classifier.describeSpiking());
            for (var split : dev.entrySet()) {
                GlueJobResult result = GlueJob.builder()
                        .setExamples(split.getValue())
                        .setClassifier(classifier)
                        .optPartitions(sparkOptions.partitions)
                        .build()
                        .run(spark);
                results.put(split.getKey(), result);
                out.printf(Locale.ROOT, "  %-16s %s  (%d examples, %d partitions, %.1f s)%n", split.getKey(), result.scores(),
                        result.examples(), result.partitions(), result.seconds());
                out.flush();
            }
        } finally {
            SparkOptions.stop(spark);
        }
        if (json != null) {
            writeJson(task, results);
            out.println("metrics written to " + json);
            out.flush();
        }
        return 0;
    }

    /** Every dev split of the task, each cut to the seeded subset as {@code spikelm glue} cuts it. */
    private Map<String, List<GlueExample>> readDev(GlueTask task) throws IOException {
        GlueReader reader = new GlueReader(data);
        Map<String, List<GlueExample>> dev = new LinkedHashMap<>();
        for (String split : task.devSplits()) {
            if (!reader.exists(task, split)) {
                throw new ParameterException(spec.commandLine(), "--data " + data + " has no " + task + " " + split
                        + " split: " + reader.path(task, split) + " is missing");
            }
            List<GlueExample> examples = reader.read(task, split).examples();
            if (examples.isEmpty()) {
                throw new ParameterException(spec.commandLine(), reader.path(task, split) + " has no examples");
            }
            dev.put(split, devSubset == null ? examples : GlueSubset.sample(examples, devSubset, seed));
        }
        return dev;
    }

    /** The metrics by split and metric name (as {@code spikelm glue --json} names them) and the run's settings. */
    private void writeJson(GlueTask task, Map<String, GlueJobResult> results) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("task", task.toString());
        root.put("model", model);
        root.put("spiking", ann ? "ANN" : timeSteps == null ? "as saved" : "SpikeLM T=" + timeSteps);
        if (devSubset != null) {
            root.put("dev_subset", devSubset);
        }
        root.put("seed", seed);
        root.put("batch_size", batchSize);
        root.put("max_length", maxLength);
        ObjectNode metrics = root.putObject("metrics");
        ObjectNode examples = root.putObject("examples");
        ObjectNode partitions = root.putObject("partitions");
        ObjectNode seconds = root.putObject("seconds");
        results.forEach((split, result) -> {
            ObjectNode values = metrics.putObject(split);
            GlueScores scores = result.scores();
            scores.values().forEach((metric, value) -> values.put(metric.toString(), value));
            examples.put(split, result.examples());
            partitions.put(split, result.partitions());
            seconds.put(split, result.seconds());
        });
        mapper.writeValue(json.toFile(), root);
    }
}
