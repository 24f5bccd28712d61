package ai.spikelm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.text.TextEmbedding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding job on local[2] against the same encoder in this process: vectors within 1e-5,
 * per-row firing rate and energy equal to a measurement by hand of the same groups, one model for
 * the JVM, bad input refused with the column or file named.
 */
class EmbedJobTest extends LocalSparkJobTest {

    private static final double TOLERANCE = 1e-5;
    private static final EncoderSpec ANN = EncoderSpec.builder().optBatchSize(8).build();

    @TempDir Path dir;

    @BeforeAll
    static void start() throws Exception {
        Fixtures.spikingModel(); // before Spark: see there
        startSpark();
    }

    @Test
    void jsonlVectorsEqualSingleProcessAndTheJvmLoadsOneModel() throws Exception {
        List<String> texts = Fixtures.sentences(200);
        Path input = Fixtures.jsonl(dir.resolve("sentences.jsonl"), texts);
        String output = dir.resolve("out.parquet").toString();

        EmbedSummary summary = EmbedJob.builder()
                .setInput(input.toString()).setOutput(output).optEncoder(ANN).optPartitions(6).build().run(spark);

        float[][] expected = SingleProcess.embed(ANN, texts);
        Map<Long, Row> rows = byKey(output, "id");
        assertEquals(200, rows.size());
        assertEquals(200, summary.rows());
        assertEquals(6, summary.partitions());
        for (int i = 0; i < texts.size(); i++) {
            Row row = rows.get((long) i);
            assertEquals(texts.get(i), row.getAs("text"));
            assertVectorEquals(expected[i], row, "id " + i);
            assertNull(row.getAs(EmbedColumns.FIRING_RATE), "an ANN has no firing rate");
            double energy = row.getAs(EmbedColumns.ENERGY);
            assertTrue(energy > 0);
            assertEquals((double) row.getAs(EmbedColumns.ANN_ENERGY), energy, 1e-12 * energy, "an ANN costs what an ANN costs");
        }
        // Six partitions on two task threads of one JVM (the executor of local[2]): one model.
        assertEquals(1, ExecutorEncoders.loads(ANN));
        assertNull(summary.firingRate());
        assertTrue(summary.rowsPerSecond() > 0);
        logLargest("ANN, JSONL, 6 partitions");
    }

    @Test
    void spikingTextVectorsEqualSingleProcess() throws Exception {
        EncoderSpec t4 = Fixtures.spiking(8);
        List<String> texts = Fixtures.sentences(48);
        List<String> lines = new ArrayList<>();
        Map<Long, Integer> lineToText = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            if (i % 20 == 0) {
                lines.add("   "); // blank lines are skipped, not embedded
            }
            lines.add(texts.get(i));
            lineToText.put((long) lines.size(), i);
        }
        Path input = Fixtures.write(dir.resolve("sentences.txt"), lines);
        String output = dir.resolve("spiking.parquet").toString();

        EmbedSummary summary = EmbedJob.builder()
                .setInput(input.toString()).setOutput(output).optEncoder(t4).build().run(spark);

        float[][] expected = SingleProcess.embed(t4, texts);
        Map<Long, Row> rows = byKey(output, EmbedJob.LINE);
        assertEquals(lineToText.keySet(), rows.keySet(), "every non-blank line, numbered as in the file");
        assertEquals(2, summary.partitions(), "one small file is spread over the default parallelism");
        for (Map.Entry<Long, Row> e : rows.entrySet()) {
            Row row = e.getValue();
            assertVectorEquals(expected[lineToText.get(e.getKey())], row, "line " + e.getKey());
            double rate = row.getAs(EmbedColumns.FIRING_RATE);
            assertTrue(rate > 0 && rate < 1, "firing rate " + rate);
            assertTrue((double) row.getAs(EmbedColumns.ENERGY) < (double) row.getAs(EmbedColumns.ANN_ENERGY));
        }
        assertNotNull(summary.firingRate());
        assertTrue(summary.microjoulesPerToken() < summary.annMicrojoulesPerToken());
        assertEquals(1, ExecutorEncoders.loads(t4));
        logLargest("SpikeLM T=4, text, 2 partitions");
    }

    @Test
    void parquetInputKeepsItsColumns() throws Exception {
        List<String> texts = Fixtures.sentences(40);
        Path jsonl = Fixtures.jsonl(dir.resolve("small.jsonl"), texts);
        String parquet = dir.resolve("small.parquet").toString();
        spark.read().json(jsonl.toString()).withColumnRenamed("text", "body").write().parquet(parquet);
        String output = dir.resolve("from-parquet.parquet").toString();

        EmbedJob.builder().setInput(parquet).setOutput(output).optTextColumn("body").optEncoder(ANN).build().run(spark);

        float[][] expected = SingleProcess.embed(ANN, texts);
        Map<Long, Row> rows = byKey(output, "id");
        assertEquals(40, rows.size());
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(texts.get(i), rows.get((long) i).getAs("body"));
            assertVectorEquals(expected[i], rows.get((long) i), "id " + i);
        }
    }

    /**
     * Two files, one partition each, run by the two task threads of local[2] through the one model
     * of the JVM: each row's firing rate is its file's (one group each) as measured by hand on a
     * model of this process, and its energy is its share by real tokens of that measurement, so a
     * task never counts the other's forward passes.
     */
    @Test
    void perRowCostIsItsGroupsEvenWhenTasksShareTheModel() throws Exception {
        EncoderSpec spec = Fixtures.spiking(8); // groups of 128 texts: each file is one group of 2 or 3 batches
        List<String> all = Fixtures.sentences(36);
        List<String> first = all.subList(0, 20);
        List<String> second = all.subList(20, 36);
        Path input = Files.createDirectory(dir.resolve("two-files"));
        Fixtures.jsonl(input.resolve("a.jsonl"), first, 0);
        Fixtures.jsonl(input.resolve("b.jsonl"), second, 20);
        String output = dir.resolve("two-files.parquet").toString();

        // One partition per file (each below 8 KB), in file order; no repartitioning.
        spark.conf().set("spark.sql.files.maxPartitionBytes", "8192");
        spark.conf().set("spark.sql.files.openCostInBytes", "8192");
        try {
            EmbedJob.builder().setInput(input.toString()).setOutput(output).optFormat(InputFormat.JSONL)
                    .optEncoder(spec).optPartitions(2).build().run(spark);
        } finally {
            spark.conf().unset("spark.sql.files.maxPartitionBytes");
            spark.conf().unset("spark.sql.files.openCostInBytes");
        }
        assertEquals(1, ExecutorEncoders.loads(spec));

        Map<Long, Row> rows = byKey(output, "id");
        assertEquals(36, rows.size());
        // The same model in this process, unmeasured by itself, with a monitor attached by hand.
        try (LoadedEncoder reference = LoadedEncoder.load(spec.toBuilder().optMeasureEnergy(false).build())) {
            assertGroupCost(reference, first, 0, rows);
            assertGroupCost(reference, second, 20, rows);
        }
    }

    /** Measures the texts as one group by hand and checks the rows against it. */
    private static void assertGroupCost(LoadedEncoder reference, List<String> texts, int firstId, Map<Long, Row> rows) {
        List<TextEmbedding> embeddings;
        GroupCost cost;
        try (SpikeMonitor monitor = SpikeMonitor.attach(reference.model())) {
            // The same batches as the job's group: the same texts, order and batch size.
            embeddings = reference.pipeline().embed(texts);
            cost = GroupCost.of(monitor.snapshot(), EnergyModel.DEFAULT);
        }
        long tokens = embeddings.stream().mapToLong(TextEmbedding::tokens).sum();
        double energy = 0;
        for (int i = 0; i < texts.size(); i++) {
            Row row = rows.get((long) (firstId + i));
            int rowTokens = row.getAs(EmbedColumns.TOKENS);
            assertEquals(embeddings.get(i).tokens(), rowTokens, "tokens of id " + (firstId + i));
            assertEquals(cost.firingRate(), (double) row.getAs(EmbedColumns.FIRING_RATE), 1e-12, "id " + (firstId + i));
            assertEquals(cost.joules() * 1e6 * rowTokens / tokens, (double) row.getAs(EmbedColumns.ENERGY),
                    1e-9 * cost.joules() * 1e6, "id " + (firstId + i));
            energy += (double) row.getAs(EmbedColumns.ENERGY);
        }
        assertEquals(cost.joules() * 1e6, energy, 1e-9 * energy, "the rows' energies add up to the group's");
        assertTrue(cost.firingRate() > 0 && cost.firingRate() < 1);
    }

    @Test
    void badInputIsRefusedNamingTheColumnOrFile() throws Exception {
        Path noText = Fixtures.write(dir.resolve("no-text.jsonl"), List.of("{\"id\": 1, \"sentence\": \"Hello there.\"}"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> EmbedJob.builder()
                .setInput(noText.toString()).setOutput(dir.resolve("a").toString()).build().run(spark));
        assertTrue(missing.getMessage().contains("no column 'text'") && missing.getMessage().contains("no-text.jsonl")
                && missing.getMessage().contains("id, sentence"), missing.getMessage());

        Path numbers = Fixtures.write(dir.resolve("numbers.jsonl"), List.of("{\"text\": 5}"));
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> EmbedJob.builder()
                .setInput(numbers.toString()).setOutput(dir.resolve("b").toString()).build().run(spark));
        assertTrue(type.getMessage().contains("is bigint, not a string"), type.getMessage());

        Path blank = Fixtures.write(dir.resolve("blank.jsonl"), List.of("{\"id\": 1, \"text\": \"Fine.\"}", "{\"id\": 2, \"text\": \" \"}"));
        Exception empty = assertThrows(Exception.class, () -> EmbedJob.builder()
                .setInput(blank.toString()).setOutput(dir.resolve("c").toString()).optEncoder(ANN).build().run(spark));
        assertTrue(causes(empty).contains("Column 'text' is empty in row [2, ]"), causes(empty));

        IllegalArgumentException format = assertThrows(IllegalArgumentException.class,
                () -> EmbedJob.builder().setInput(dir.toString()).setOutput("x").build());
        assertTrue(format.getMessage().contains("Cannot tell the format of " + dir), format.getMessage());

        Exception absent = assertThrows(Exception.class, () -> EmbedJob.builder()
                .setInput(dir.resolve("absent.jsonl").toString()).setOutput(dir.resolve("d").toString()).build().run(spark));
        assertTrue(absent.getMessage().contains("absent.jsonl"), absent.getMessage());

        Path one = Fixtures.jsonl(dir.resolve("one.jsonl"), List.of("One sentence."));
        String output = dir.resolve("exists.parquet").toString();
        EmbedJob.builder().setInput(one.toString()).setOutput(output).optEncoder(ANN).build().run(spark);
        Exception exists = assertThrows(Exception.class, () -> EmbedJob.builder()
                .setInput(one.toString()).setOutput(output).optEncoder(ANN).build().run(spark));
        assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
        EmbedSummary again = EmbedJob.builder()
                .setInput(one.toString()).setOutput(output).optEncoder(ANN).optOverwrite(true).build().run(spark);
        assertEquals(1, again.rows());
    }

    private static Map<Long, Row> byKey(String parquet, String key) {
        Map<Long, Row> rows = new HashMap<>();
        for (Row row : spark.read().parquet(parquet).collectAsList()) {
            rows.put(((Number) row.getAs(key)).longValue(), row);
        }
        return rows;
    }

    /** The largest difference to the single-process vectors seen by the running test, for the log. */
    private static double largest;

    static void assertVectorEquals(float[] expected, Row row, String what) {
        List<Float> actual = row.getList(row.fieldIndex(EmbedColumns.EMBEDDING));
        assertEquals(expected.length, actual.size(), what);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual.get(k), TOLERANCE, what + ", component " + k);
            largest = Math.max(largest, Math.abs(expected[k] - actual.get(k)));
        }
    }

    private static void logLargest(String test) {
        System.out.printf("%s: largest |spark - single process| over all components %.3g%n", test, largest);
        largest = 0;
    }

    private static String causes(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            s.append(c.getMessage()).append(" | ");
        }
        return s.toString();
    }
}
