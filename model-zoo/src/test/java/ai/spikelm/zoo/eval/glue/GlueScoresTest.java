package ai.spikelm.zoo.eval.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GlueScoresTest {

    @Test
    void mrpcReportsAccuracyFirstAndF1() {
        GlueScores scores =
                GlueScores.ofClassification(GlueTask.MRPC, new int[] {1, 1, 0, 0, 1}, new int[] {1, 0, 0, 1, 1});
        assertEquals(List.of(GlueMetric.ACCURACY, GlueMetric.F1), List.copyOf(scores.values().keySet()));
        assertEquals(0.6, scores.main(), 1e-12);
        assertEquals(2.0 / 3.0, scores.get(GlueMetric.F1), 1e-12);
        assertEquals("MRPC accuracy=60.00 f1=66.67", scores.toString());
    }

    @Test
    void colaMainMetricIsMatthews() {
        GlueScores scores = GlueScores.ofClassification(GlueTask.COLA, new int[] {1, 1, 1}, new int[] {1, 0, 1});
        assertEquals(0.0, scores.main(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> scores.get(GlueMetric.ACCURACY));
    }

    @Test
    void stsbReportsPearsonThenSpearman() {
        GlueScores scores = GlueScores.ofRegression(
                GlueTask.STSB, new double[] {1, 2, 2, 3}, new double[] {1, 3, 2, 4});
        assertEquals(GlueMetric.PEARSON, scores.task().mainMetric());
        assertEquals(scores.get(GlueMetric.PEARSON), scores.main(), 0);
        assertEquals(0.9486832980505138, scores.get(GlueMetric.SPEARMAN), 1e-12);
    }

    @Test
    void wrongKindOfOutputIsRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> GlueScores.ofRegression(GlueTask.RTE, new double[] {1}, new double[] {1}));
        assertThrows(
                IllegalArgumentException.class,
                () -> GlueScores.ofClassification(GlueTask.STSB, new int[] {1}, new int[] {1}));
        assertThrows(
                IllegalArgumentException.class,
                () -> new GlueScores(GlueTask.MRPC, Map.of(GlueMetric.ACCURACY, 0.5)));
    }
}
