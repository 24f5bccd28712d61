package ai.spikelm.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark commands end to end on local masters, and their refusals. */
class SparkCliTest {

    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void sparkEmbedRunsLocally() throws Exception {
        Path input = Files.write(dir.resolve("notes.txt"), List.of(
                "The first note.", "", "A second, longer note about the river.", "Third.", "Fourth note here.", "Fifth."));
        Path output = dir.resolve("vectors.parquet");

        CliRun run = run("spark-embed", "--input", input.toString(), "--output", output.toString(),
                "--master", "local[2]", "--batch-size", "2");

        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("5 rows"), run.out());
        assertTrue(run.out().contains("2 partitions"), run.out());
        assertTrue(run.out().matches("(?s).* [0-9.]+ rows/s -> .*"), run.out());
        assertTrue(Files.exists(output.resolve("_SUCCESS")));
        try (Stream<Path> files = Files.list(output)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".parquet")));
        }
    }

    @Test
    void sparkStsRunsLocally() throws Exception {
        StringBuilder tsv = new StringBuilder("index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n");
        String[][] rows = {
            {"A man is playing a guitar.", "A man plays the guitar.", "4.8"},
            {"A woman is slicing onions.", "A man is playing a guitar.", "0.2"},
            {"Two dogs run in the park.", "Dogs are running in a park.", "4.2"},
            {"The sun sets over the sea.", "A child reads a book.", "0.0"},
        };
        for (int i = 0; i < rows.length; i++) {
            tsv.append(i).append("\tmain\tx\t2012\t").append(i).append("\tnone\tnone\t")
                    .append(rows[i][0]).append('\t').append(rows[i][1]).append('\t').append(rows[i][2]).append('\n');
        }
        Path file = Files.writeString(dir.resolve("dev.tsv"), tsv);

        CliRun run = run("spark-sts", "--file", file.toString(), "--master", "local[1]");

        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("Spearman 100.00"), run.out()); // related pairs score above unrelated ones
        assertTrue(run.out().contains("4 pairs, 7 sentences"), run.out()); // one sentence is in two pairs
    }

    /** The bench on a tiny input, one round: both masters warm up, run and get a median and a ratio. */
    @Test
    void sparkBenchComparesMasters() throws Exception {
        Path input = Files.write(dir.resolve("bench.txt"), List.of("One.", "Two sentences here.", "Three.", "Four of them."));

        CliRun run = run("spark-bench", "--input", input.toString(), "--masters", "local[1],local[2]", "--rounds", "1",
                "--batch-size", "2");

        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("warm-up local[1]"), run.out());
        assertTrue(run.out().contains("round 1 local[2]"), run.out());
        assertTrue(run.out().matches("(?s).*\\nlocal\\[1\\] +median [0-9.]+ rows/s \\(range [0-9.]+-[0-9.]+\\), x1\\.00 vs local\\[1\\].*"),
                run.out());
        assertTrue(run.out().matches("(?s).*\\nlocal\\[2\\] +median [0-9.]+ rows/s .*, x[0-9.]+ vs local\\[1\\].*"), run.out());

        CliRun noRounds = run("spark-bench", "--input", input.toString(), "--rounds", "0");
        assertEquals(2, noRounds.code());
        assertTrue(noRounds.err().contains("--rounds must be at least 1, got 0"), noRounds.err());
    }

    @Test
    void refusalsNameTheOption() {
        CliRun noMaster = run("spark-embed", "--input", "x.txt", "--output", dir.resolve("o").toString());
        assertEquals(2, noMaster.code());
        assertTrue(noMaster.err().contains("No Spark master: give --master local[2]"), noMaster.err());

        CliRun both = run("spark-embed", "--input", "x.txt", "--output", "o", "--ann", "-T", "4", "--master", "local[1]");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("Give either --ann or -T, not both"), both.err());

        CliRun format = run("spark-embed", "--input", "data", "--output", "o", "--master", "local[1]");
        assertEquals(2, format.code());
        assertTrue(format.err().contains("Cannot tell the format of data"), format.err());

        CliRun pooling = run("spark-embed", "--input", "x.txt", "--output", "o", "--pooling", "median", "--master", "local[1]");
        assertEquals(2, pooling.code());
        assertTrue(pooling.err().contains("Unknown pooling 'median'"), pooling.err());

        CliRun sts = run("spark-sts", "--master", "local[1]");
        assertEquals(2, sts.code());
        assertTrue(sts.err().contains("Give exactly one of --data"), sts.err());
    }
}
