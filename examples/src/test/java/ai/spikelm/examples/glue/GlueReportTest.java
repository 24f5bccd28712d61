package ai.spikelm.examples.glue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlueReportTest {

    private static GlueRunResult run(String task, int t, boolean kd, Map<String, Double> dev, double mj) {
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        metrics.put("dev", dev);
        boolean ann = t == 0;
        return new GlueRunResult(task, ann ? "all-MiniLM-L6-v2 (embedded)" : "runs/" + task.toLowerCase() + "-ann/best",
                ann ? "ANN" : "SpikeLM(T=" + t + ")", ann ? 1 : t, kd ? "runs/teacher" : null, true, ann ? 3 : 1,
                1000, 1000, 500, null, 42, 16, 1e-4, 64, metrics, 0, dev.values().iterator().next(),
                ann ? null : 0.375, 3.2, ann ? 3.2 : 0.8 * t, 100 + t, null);
    }

    @Test
    void writesAndReadsBackTheSameResult(@TempDir Path dir) throws IOException {
        GlueRunResult r = run("MRPC", 4, true, Map.of("ACCURACY", 0.75), 1.0);
        Path file = dir.resolve("r.json");
        r.write(file);
        assertEquals(r, GlueRunResult.read(file));
        assertTrue(Files.readString(file).contains("\"model_mj_per_sequence\""), "snake_case keys");
    }

    @Test
    void ordersByTaskThenModelAndFormatsEveryColumn() {
        Map<String, Double> mrpc = new LinkedHashMap<>();
        mrpc.put("ACCURACY", 0.716);
        mrpc.put("F1", 0.825);
        GlueReport report = new GlueReport(List.of(
                run("MRPC", 4, true, mrpc, 0),
                run("STSB", 0, false, Map.of("PEARSON", 0.773), 0),
                run("MRPC", 1, false, mrpc, 0),
                run("MRPC", 0, false, mrpc, 0),
                run("MRPC", 1, true, mrpc, 0),
                run("COLA", 0, false, Map.of("MATTHEWS", 0.25), 0)));
        String[] rows = report.markdown().split("\n");
        assertEquals(8, rows.length);
        assertEquals("| CoLA | ANN | 1000 × 3 ep. | mcc 25.0 | – | 3.200 mJ | 100 s |", rows[2]);
        assertEquals("| MRPC | ANN | 1000 × 3 ep. | accuracy 71.6, f1 82.5 | – | 3.200 mJ | 100 s |", rows[3]);
        assertEquals("| MRPC | SpikeLM T = 1 | 1000 × 1 ep., from mrpc-ann/best | accuracy 71.6, f1 82.5 | 0.375 | 0.800 mJ (4.0× less) | 101 s |", rows[4]);
        assertTrue(rows[5].startsWith("| MRPC | SpikeLM T = 1 + KD |"), rows[5]);
        assertTrue(rows[6].startsWith("| MRPC | SpikeLM T = 4 + KD |") && rows[6].contains("3.200 mJ (1.0× less)"), rows[6]);
        assertTrue(rows[7].startsWith("| STS-B | ANN |"), rows[7]);
    }

    @Test
    void namesTheExamplesActuallyTrainedOn() {
        GlueRunResult wnli = run("WNLI", 0, false, Map.of("ACCURACY", 0.563), 0);
        GlueRunResult wholeSplit = new GlueRunResult(wnli.task(), wnli.model(), wnli.spiking(), wnli.timeSteps(), null, true, 3,
                1000, 635, 500, null, 42, 16, 1e-4, 64, wnli.metrics(), 0, 0.563, null, 3.2, 3.2, 100, null);
        assertEquals("635 × 3 ep.", GlueReport.training(wholeSplit), "a 1000-example subset of 635 rows is all 635");
        GlueRunResult qnli = new GlueRunResult("QNLI", wnli.model(), "ANN", 1, null, true, 3,
                null, null, 500, 1000, 42, 16, 1e-4, 64, wnli.metrics(), 0, 0.7, null, 3.2, 3.2, 100, null);
        assertEquals("1000 of dev × 3 ep.", GlueReport.training(qnli));
    }

    @Test
    void aDistilledEncoderIsItsOwnRowAfterTheConvertedOnes() {
        GlueRunResult converted = run("STS-B", 1, true, Map.of("PEARSON", 0.2), 0);
        GlueRunResult c = converted;
        GlueRunResult distilled = new GlueRunResult(c.task(), c.model(), c.spiking(), 1, c.distilledFrom(), true, 1, 1000, 1000,
                500, null, 42, 16, 1e-4, 64, Map.of("dev", Map.of("PEARSON", 0.7)), 0, 0.7, 0.4, 3.2, 0.2, 100,
                "runs/minilm-t1/best");
        assertEquals("SpikeLM T = 1, distilled encoder + KD", distilled.variant());
        assertEquals(List.of(converted, distilled), new GlueReport(List.of(distilled, converted)).runs());
    }

    @Test
    void drawsAPngAndRefusesFilesThatAreNotResults(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("glue.png");
        new GlueReport(List.of(run("RTE", 0, false, Map.of("ACCURACY", 0.6), 0), run("RTE", 4, false, Map.of("ACCURACY", 0.55), 0)))
                .writeChart(png);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(Files.readAllBytes(png), 4));
        Path other = Files.writeString(dir.resolve("other.json"), "{\"name\": \"not glue\"}");
        IOException e = assertThrows(IOException.class, () -> GlueRunResult.read(other));
        assertTrue(e.getMessage().contains("other.json"), e.getMessage());
        Path wrongTask = Files.writeString(dir.resolve("task.json"), "{\"task\": \"SQuAD\", \"metrics\": {}}");
        assertTrue(assertThrows(IOException.class, () -> GlueRunResult.read(wrongTask)).getMessage().contains("SQuAD"));
    }
}
