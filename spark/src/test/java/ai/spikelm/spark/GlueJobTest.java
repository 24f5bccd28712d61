package ai.spikelm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.eval.glue.GlueEvaluator;
import ai.spikelm.zoo.eval.glue.GlueExample;
import ai.spikelm.zoo.eval.glue.GlueMetric;
import ai.spikelm.zoo.eval.glue.GlueReader;
import ai.spikelm.zoo.eval.glue.GlueScores;
import ai.spikelm.zoo.eval.glue.GlueTask;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GLUE evaluation job on local[2] against the single-process evaluation of the same saved
 * classifier: the same logits, hence the same metrics, for a spiking cross-encoder that must
 * calibrate (SST-2, accuracy) and a spiking siamese regressor (STS-B, Pearson and Spearman); one
 * model per JVM; bad models refused by name.
 */
class GlueJobTest extends LocalSparkJobTest {

    private static final int BATCH = 8;

    @TempDir static Path dir;

    private static Path glue;

    @BeforeAll
    static void start() throws Exception {
        // Models and data before Spark starts (see Fixtures.spikingModel).
        GlueFixtures.sst2Classifier();
        GlueFixtures.stsbSiamese();
        glue = GlueFixtures.glueData(dir, 60);
        startSpark();
    }

    @Test
    void classificationMetricEqualsSingleProcessOverThreePartitions() throws Exception {
        List<GlueExample> examples = new GlueReader(glue).read(GlueTask.SST2, "dev").examples();
        ClassifierSpec spec = ClassifierSpec.builder()
                .setModel(GlueFixtures.sst2Classifier().toString()).setTask(GlueTask.SST2).optBatchSize(BATCH).build();
        GlueJob job = GlueJob.builder().setExamples(examples).setClassifier(spec).optPartitions(3).build();

        GlueJobResult result = job.run(spark);

        SingleProcess.GlueRun reference = SingleProcess.glue(GlueFixtures.sst2Classifier(), GlueTask.SST2, examples, BATCH);
        assertTrue(reference.calibrated(), "the fixture is saved uncalibrated: both runs calibrate on the first batch");
        assertEquals(60, result.examples());
        assertEquals(3, result.partitions()); // 8 batches over 3 partitions: 2, 3 and 3 batches
        assertRowsEqual(reference.logits(), result.logits());
        GlueScores expected = GlueEvaluator.scores(GlueTask.SST2, reference.logits(), examples);
        assertEquals(expected.main(), result.scores().main(), 1e-6);
        assertEquals(expected.get(GlueMetric.ACCURACY), accuracyByHand(result.logits(), examples), 1e-12);
        assertEquals(1, ExecutorEncoders.loads(job.classifier()), "local[2] is one JVM: one model for all tasks");
    }

    @Test
    void regressionMetricsEqualSingleProcessForASiameseModel() throws Exception {
        List<GlueExample> examples = new GlueReader(glue).read(GlueTask.STSB, "dev").examples();
        ClassifierSpec spec = ClassifierSpec.builder()
                .setModel(GlueFixtures.stsbSiamese().toString()).setTask(GlueTask.STSB).optBatchSize(BATCH).build();

        GlueJobResult result = GlueJob.builder().setExamples(examples).setClassifier(spec).optPartitions(2).build().run(spark);

        SingleProcess.GlueRun reference = SingleProcess.glue(GlueFixtures.stsbSiamese(), GlueTask.STSB, examples, BATCH);
        assertEquals(2, result.partitions());
        assertRowsEqual(reference.logits(), result.logits());
        GlueScores expected = GlueEvaluator.scores(GlueTask.STSB, reference.logits(), examples);
        assertEquals(expected.get(GlueMetric.PEARSON), result.scores().get(GlueMetric.PEARSON), 1e-6);
        assertEquals(expected.get(GlueMetric.SPEARMAN), result.scores().get(GlueMetric.SPEARMAN), 1e-6);
        assertTrue(Double.isFinite(result.scores().get(GlueMetric.PEARSON)), "the scores must vary for a correlation");
        for (float[] row : result.logits()) {
            assertEquals(1, row.length);
            assertTrue(Math.abs(row[0]) <= 5.0001f, "5 cos(u, v) stays within [-5, 5]: " + row[0]);
        }
    }

    @Test
    void aModelThatIsNotAClassifierIsRefusedOnTheDriver() throws Exception {
        List<GlueExample> examples = new GlueReader(glue).read(GlueTask.SST2, "dev").examples();
        String encoder = EmbeddedMiniLm.directory().toString();
        ClassifierSpec spec = ClassifierSpec.builder().setModel(encoder).setTask(GlueTask.SST2).build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GlueJob.builder().setExamples(examples).setClassifier(spec).build().run(spark));
        assertTrue(e.getMessage().contains(encoder + " is not a sequence classifier"), e.getMessage());
        assertEquals(0, ExecutorEncoders.loads(spec), "refused before any task loads it");

        IOException missing = assertThrows(IOException.class, () -> LoadedClassifier.check(
                spec.toBuilder().setModel(dir.resolve("no-such-model").toString()).build()));
        assertTrue(missing.getMessage().contains("no-such-model: no such file or directory"), missing.getMessage());
    }

    @Test
    void aClassifierOfTheWrongTaskIsRefusedWhenLoaded() throws Exception {
        ClassifierSpec regression = ClassifierSpec.builder()
                .setModel(GlueFixtures.sst2Classifier().toString()).setTask(GlueTask.STSB).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoadedClassifier.load(regression));
        assertTrue(e.getMessage().contains("cannot be scored on STSB: the model's head is a classifier"), e.getMessage());

        ClassifierSpec threeLabels = regression.toBuilder().setTask(GlueTask.MNLI).build();
        e = assertThrows(IllegalArgumentException.class, () -> LoadedClassifier.load(threeLabels));
        assertTrue(e.getMessage().contains("has 2 labels"), e.getMessage());
        assertTrue(e.getMessage().contains("MNLI has 3"), e.getMessage());
    }

    @Test
    void unlabelledExamplesAreRefused() {
        ClassifierSpec spec = ClassifierSpec.builder().setModel("m").setTask(GlueTask.SST2).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GlueJob.builder()
                .setExamples(List.of(GlueExample.unlabelled("test-1", "A sentence.", null))).setClassifier(spec).build());
        assertTrue(e.getMessage().contains("example test-1 has no gold value"), e.getMessage());
    }

    private static double accuracyByHand(float[][] logits, List<GlueExample> examples) {
        int right = 0;
        for (int i = 0; i < logits.length; i++) {
            int predicted = logits[i][1] > logits[i][0] ? 1 : 0;
            right += predicted == examples.get(i).label() ? 1 : 0;
        }
        return right / (double) logits.length;
    }

    private static void assertRowsEqual(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], 1e-6f, "example " + i + ": " + Arrays.toString(actual[i]));
        }
    }
}
