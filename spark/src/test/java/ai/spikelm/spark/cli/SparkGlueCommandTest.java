package ai.spikelm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.spark.GlueFixtures;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.core.TokenizerFiles;
import ai.spikelm.zoo.eval.glue.GlueEvaluator;
import ai.spikelm.zoo.eval.glue.GlueExample;
import ai.spikelm.zoo.eval.glue.GlueReader;
import ai.spikelm.zoo.eval.glue.GlueSubset;
import ai.spikelm.zoo.eval.glue.GlueTask;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spark-glue} end to end on local[2] against the single-process evaluation, and its refusals. */
class SparkGlueCommandTest {

    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void sparkGlueOnASeededSubsetEqualsTheSingleProcessEvaluation() throws Exception {
        Path glue = GlueFixtures.glueData(dir, 50);
        Path model = GlueFixtures.sst2Classifier();
        Path json = dir.resolve("glue.json");

        CliRun run = run("spark-glue", "--data", glue.toString(), "--task", "sst-2", "--model", model.toString(),
                "--dev-subset", "30", "--seed", "7", "--batch-size", "8", "--master", "local[2]", "--json", json.toString());

        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("GLUE SST2, " + model + ", as saved"), run.out());
        assertTrue(run.out().matches("(?s).*dev +SST2 accuracy=[0-9.]+ +\\(30 examples, 2 partitions, .*"), run.out());
        JsonNode written = new ObjectMapper().readTree(json.toFile());
        assertEquals(30, written.path("dev_subset").asInt());
        assertEquals(2, written.path("partitions").path("dev").asInt());
        double accuracy = written.path("metrics").path("dev").path("ACCURACY").asDouble(Double.NaN);

        // The single-process `spikelm glue` path: the same seeded subset, loaded as saved, the shared evaluator.
        List<GlueExample> subset = GlueSubset.sample(new GlueReader(glue).read(GlueTask.SST2, "dev").examples(), 30, 7);
        double expected;
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = GlueEvaluator.tokenizer(model.resolve(TokenizerFiles.FILE_NAME), 128)) {
            expected = GlueEvaluator.builder()
                    .setModel(SpikeBertLoader.builder().setModelDir(model).build().load(manager))
                    .setTask(GlueTask.SST2)
                    .setTokenizer(tokenizer)
                    .optBatchSize(8)
                    .build()
                    .evaluate(subset)
                    .main();
        }
        assertEquals(expected, accuracy, 1e-6);
    }

    @Test
    void refusalsNameTheTaskTheFileAndTheModel() throws Exception {
        Path glue = GlueFixtures.glueData(dir, 5);
        String model = GlueFixtures.sst2Classifier().toString();

        CliRun task = run("spark-glue", "--data", glue.toString(), "--task", "SST-3", "--model", model, "--master", "local[1]");
        assertEquals(2, task.code());
        assertTrue(task.err().contains("unknown GLUE task 'SST-3'"), task.err());

        CliRun missing = run("spark-glue", "--data", glue.toString(), "--task", "RTE", "--model", model, "--master", "local[1]");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("has no RTE dev split: " + glue.resolve("RTE").resolve("dev.tsv") + " is missing"),
                missing.err());

        String encoder = EmbeddedMiniLm.directory().toString();
        CliRun notClassifier = run("spark-glue", "--data", glue.toString(), "--task", "SST-2", "--model", encoder, "--master", "local[1]");
        assertEquals(2, notClassifier.code());
        assertTrue(notClassifier.err().contains("--model: " + encoder + " is not a sequence classifier"), notClassifier.err());

        CliRun both = run("spark-glue", "--data", glue.toString(), "--task", "SST-2", "--model", model, "--ann", "-T", "4",
                "--master", "local[1]");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("Give either --ann or -T, not both"), both.err());
    }
}
