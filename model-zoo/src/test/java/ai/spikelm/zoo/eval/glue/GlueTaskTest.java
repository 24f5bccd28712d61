package ai.spikelm.zoo.eval.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GlueTaskTest {

    @Test
    void directoriesAreTheGlueDataNames() {
        assertEquals(
                List.of("CoLA", "SST-2", "MRPC", "STS-B", "QQP", "MNLI", "QNLI", "RTE", "WNLI"),
                Arrays.stream(GlueTask.values()).map(GlueTask::directory).toList());
    }

    @Test
    void labelsFollowTheProcessors() {
        assertEquals(List.of("contradiction", "entailment", "neutral"), GlueTask.MNLI.labels());
        assertEquals(List.of("entailment", "not_entailment"), GlueTask.QNLI.labels());
        assertEquals(List.of("entailment", "not_entailment"), GlueTask.RTE.labels());
        for (GlueTask task : List.of(GlueTask.COLA, GlueTask.SST2, GlueTask.MRPC, GlueTask.QQP, GlueTask.WNLI)) {
            assertEquals(List.of("0", "1"), task.labels(), task.name());
        }
        assertTrue(GlueTask.STSB.isRegression());
        assertEquals(1, GlueTask.STSB.numLabels());
        assertEquals(3, GlueTask.MNLI.numLabels());
        assertEquals(1, GlueTask.RTE.labelIndex("not_entailment"));
        assertEquals(-1, GlueTask.RTE.labelIndex("entailed"));
    }

    @Test
    void onlyColaHasNoHeader() {
        for (GlueTask task : GlueTask.values()) {
            assertEquals(task != GlueTask.COLA, task.hasHeader(), task.name());
        }
        // CoLA's test file does have one.
        assertTrue(GlueTask.COLA.columns("test").hasHeader());
    }

    @Test
    void columnsOfTheLabelledFiles() {
        assertColumns(GlueTask.COLA.columns("train"), 4, 3, -1, 1);
        assertColumns(GlueTask.SST2.columns("train"), 2, 0, -1, 1);
        assertColumns(GlueTask.MRPC.columns("train"), 5, 3, 4, 0);
        assertColumns(GlueTask.STSB.columns("dev"), 10, 7, 8, 9);
        assertColumns(GlueTask.QQP.columns("train"), 6, 3, 4, 5);
        assertColumns(GlueTask.MNLI.columns("train"), 12, 8, 9, 11);
        assertColumns(GlueTask.MNLI.columns("dev_matched"), 16, 8, 9, 15);
        assertColumns(GlueTask.MNLI.columns("dev_mismatched"), 16, 8, 9, 15);
        assertColumns(GlueTask.QNLI.columns("dev"), 4, 1, 2, 3);
        assertColumns(GlueTask.RTE.columns("train"), 4, 1, 2, 3);
        assertColumns(GlueTask.WNLI.columns("dev"), 4, 1, 2, 3);
    }

    @Test
    void columnsOfTheTestFiles() {
        assertColumns(GlueTask.COLA.columns("test"), 2, 1, -1, -1);
        assertColumns(GlueTask.QQP.columns("test"), 3, 1, 2, -1);
        assertColumns(GlueTask.MNLI.columns("test_mismatched"), 10, 8, 9, -1);
        assertColumns(GlueTask.STSB.columns("test"), 9, 7, 8, -1);
        for (GlueTask task : GlueTask.values()) {
            for (String split : task.testSplits()) {
                assertFalse(task.columns(split).labelled(), task + " " + split);
                assertTrue(task.isTestSplit(split));
            }
        }
    }

    private static void assertColumns(GlueColumns columns, int count, int textA, int textB, int label) {
        assertEquals(count, columns.columnCount(), columns.toString());
        assertEquals(textA, columns.textAColumn(), columns.toString());
        assertEquals(textB, columns.textBColumn(), columns.toString());
        assertEquals(label, columns.labelColumn(), columns.toString());
    }

    @Test
    void mnliHasMatchedAndMismatchedSplits() {
        assertEquals(List.of("dev_matched", "dev_mismatched"), GlueTask.MNLI.devSplits());
        assertEquals(
                List.of("train", "dev_matched", "dev_mismatched", "test_matched", "test_mismatched"),
                GlueTask.MNLI.splits());
        assertEquals("dev_mismatched.tsv", GlueTask.MNLI.fileName("dev_mismatched"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GlueTask.MNLI.fileName("dev"));
        assertTrue(e.getMessage().contains("dev_matched"), e.getMessage());
        assertEquals(List.of("dev"), GlueTask.RTE.devSplits());
    }

    @Test
    void metricsAndMainMetric() {
        assertEquals(GlueMetric.MATTHEWS, GlueTask.COLA.mainMetric());
        assertEquals(List.of(GlueMetric.PEARSON, GlueMetric.SPEARMAN), GlueTask.STSB.metrics());
        assertEquals(List.of(GlueMetric.ACCURACY, GlueMetric.F1), GlueTask.MRPC.metrics());
        assertEquals(List.of(GlueMetric.ACCURACY, GlueMetric.F1), GlueTask.QQP.metrics());
        for (GlueTask task : List.of(GlueTask.SST2, GlueTask.MNLI, GlueTask.QNLI, GlueTask.RTE, GlueTask.WNLI)) {
            assertEquals(List.of(GlueMetric.ACCURACY), task.metrics(), task.name());
        }
    }

    @Test
    void pairsAndShortRowPolicy() {
        assertFalse(GlueTask.COLA.isPair());
        assertFalse(GlueTask.SST2.isPair());
        assertTrue(GlueTask.MRPC.isPair());
        assertTrue(GlueTask.QQP.skipsShortRows());
        assertFalse(GlueTask.MRPC.skipsShortRows());
    }

    @Test
    void fromNameAcceptsEitherSpelling() {
        assertEquals(GlueTask.SST2, GlueTask.fromName("sst-2"));
        assertEquals(GlueTask.SST2, GlueTask.fromName("SST2"));
        assertEquals(GlueTask.STSB, GlueTask.fromName("STS-B"));
        assertEquals(GlueTask.COLA, GlueTask.fromName("cola"));
        assertThrows(IllegalArgumentException.class, () -> GlueTask.fromName("squad"));
    }
}
