package ai.spikelm.zoo.eval.glue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The model-free parts of the shared GLUE scoring: the metric from logits and the cut into whole batches. */
class GlueEvaluatorTest {

    @Test
    void classificationScoresTakeTheHighestLogitFirstOnTies() {
        List<GlueExample> gold = List.of(
                GlueExample.classification("dev-1", "a", null, 1),
                GlueExample.classification("dev-2", "b", null, 0),
                GlueExample.classification("dev-3", "c", null, 0),
                GlueExample.classification("dev-4", "d", null, 1));
        float[][] logits = {{0.1f, 0.9f}, {2f, -1f}, {0.5f, 0.5f}, {0.7f, 0.2f}};

        GlueScores scores = GlueEvaluator.scores(GlueTask.SST2, logits, gold);

        // predicted 1, 0, 0 (tie: first), 0 against 1, 0, 0, 1: three of four
        assertEquals(0.75, scores.main(), 1e-12);
        assertEquals(2, GlueEvaluator.argmax(new float[] {0f, 1f, 3f, 3f}));
    }

    @Test
    void regressionScoresCorrelateTheOneOutput() {
        List<GlueExample> gold = List.of(
                GlueExample.regression("dev-1", "a", "b", 1f),
                GlueExample.regression("dev-2", "a", "c", 2f),
                GlueExample.regression("dev-3", "a", "d", 4f));
        float[][] logits = {{0.5f}, {1.0f}, {2.0f}}; // gold / 2: Pearson and Spearman 1

        GlueScores scores = GlueEvaluator.scores(GlueTask.STSB, logits, gold);

        assertEquals(1.0, scores.get(GlueMetric.PEARSON), 1e-9);
        assertEquals(1.0, scores.get(GlueMetric.SPEARMAN), 1e-12);
    }

    @Test
    void scoresRefuseOutputsThatDoNotFit() {
        List<GlueExample> gold = List.of(GlueExample.classification("dev-1", "a", "b", 2));
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> GlueEvaluator.scores(GlueTask.MNLI, new float[][] {{0f, 1f}}, gold));
        assertTrue(width.getMessage().contains("MNLI needs 3 output(s) per example, got 2 for example 0"), width.getMessage());

        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> GlueEvaluator.scores(GlueTask.MNLI, new float[0][], gold));
        assertTrue(count.getMessage().contains("0 outputs for 1 examples"), count.getMessage());

        IllegalArgumentException unlabelled = assertThrows(IllegalArgumentException.class, () -> GlueEvaluator.scores(
                GlueTask.SST2, new float[][] {{0f, 1f}}, List.of(GlueExample.unlabelled("test-7", "a", null))));
        assertTrue(unlabelled.getMessage().contains("test-7 has no gold value"), unlabelled.getMessage());
    }

    @Test
    void batchStartsCutWholeBatchesAsEvenlyAsTheyAllow() {
        // 60 examples in batches of 8: 8 batches (the last of 4) over 3 slices of 2, 3 and 3 batches
        assertArrayEquals(new int[] {0, 16, 40, 60}, GlueEvaluator.batchStarts(60, 8, 3));
        // more slices wanted than batches: one slice per batch
        assertArrayEquals(new int[] {0, 8, 10}, GlueEvaluator.batchStarts(10, 8, 5));
        assertArrayEquals(new int[] {0, 10}, GlueEvaluator.batchStarts(10, 32, 1));
        assertArrayEquals(new int[] {0, 0}, GlueEvaluator.batchStarts(0, 8, 4));
        for (int size = 1; size < 50; size++) {
            int[] starts = GlueEvaluator.batchStarts(size, 4, 3);
            assertEquals(0, starts[0]);
            assertEquals(size, starts[starts.length - 1]);
            for (int s = 1; s < starts.length - 1; s++) {
                assertEquals(0, starts[s] % 4, "a slice starts on a batch boundary");
                assertTrue(starts[s] > starts[s - 1], "no empty slice");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> GlueEvaluator.batchStarts(10, 0, 1));
    }
}
