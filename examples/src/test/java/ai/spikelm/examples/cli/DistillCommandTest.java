package ai.spikelm.examples.cli;

import static ai.spikelm.examples.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.core.CalibrationSet;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spikelm distill} end to end on the embedded MiniLM with a few steps of real prose. */
class DistillCommandTest {

    /** Real prose to distil on: the embedded public-domain sample. */
    private static Path prose(Path dir) throws Exception {
        try (var in = CalibrationSet.class.getResourceAsStream(CalibrationSet.SAMPLE_RESOURCE)) {
            return Files.write(dir.resolve("prose.txt"), in.readAllBytes());
        }
    }

    /** A small STS-B-layout file: ten sentence pairs with made-up gold scores. */
    private static Path stsFixture(Path dir) throws Exception {
        String[][] pairs = {
            {"A man is playing a guitar.", "A man plays the guitar.", "4.8"},
            {"A woman is slicing an onion.", "A woman is cutting an onion.", "4.6"},
            {"A dog runs in the park.", "A cat sleeps on the sofa.", "0.8"},
            {"The stock market fell sharply today.", "Shares dropped steeply on Monday.", "3.9"},
            {"A child is reading a book.", "A kid reads a novel.", "4.0"},
            {"Two men are playing chess.", "A woman is riding a horse.", "0.2"},
            {"The train arrived late.", "The train was delayed.", "4.2"},
            {"He cooked dinner for his family.", "The weather is cold in winter.", "0.0"},
            {"A bird is flying over the sea.", "A seagull soars above the ocean.", "4.1"},
            {"She is writing a letter.", "A man is swimming in a lake.", "0.4"}
        };
        List<String> lines = new ArrayList<>();
        lines.add("index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore");
        for (int i = 0; i < pairs.length; i++) {
            lines.add(String.format(Locale.ROOT, "%d\tmain-captions\tMSRvid\t2012test\t%d\tnone\tnone\t%s\t%s\t%s",
                    i, i, pairs[i][0], pairs[i][1], pairs[i][2]));
        }
        return Files.write(dir.resolve("sts.tsv"), lines, StandardCharsets.UTF_8);
    }

    private static String[] distill(Path dir, Path out, String... extra) throws Exception {
        List<String> options = Arrays.asList(extra);
        List<String> args = new ArrayList<>(List.of("distill"));
        if (!options.contains("-T")) {
            args.addAll(List.of("-T", "1"));
        }
        args.addAll(List.of("--text", prose(dir).toString(),
                "--sts", stsFixture(dir).toString(), "--out", out.toString(), "--eval-every", "2",
                "--batch-size", "4", "--max-length", "32", "--json", dir.resolve("history.json").toString()));
        args.addAll(options);
        return run(args.toArray(String[]::new));
    }

    @Test
    void distilsScoresAndResumesWhereItStopped(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        String[] r = distill(dir, out, "--max-steps", "4", "--chart", dir.resolve("loss.png").toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("teacher (ANN) zero-shot STS-B: Spearman"), r[1]);
        JsonNode history = new ObjectMapper().readTree(dir.resolve("history.json").toFile()).get("history");
        assertEquals(2, history.size(), history.toString());
        for (JsonNode e : history) {
            double spearman = e.get("sts_spearman").asDouble();
            assertTrue(spearman >= -100 && spearman <= 100, e.toString());
            double rate = e.get("firing_rate").asDouble();
            assertTrue(rate > 0.05 && rate < 0.95, e.toString());
            assertTrue(e.get("uj_per_token").asDouble() < e.get("ann_uj_per_token").asDouble(), e.toString());
        }
        for (String checkpoint : List.of("best", "last")) {
            for (String file : List.of("config.json", "model.safetensors", "tokenizer.json")) {
                assertTrue(Files.isRegularFile(out.resolve(checkpoint).resolve(file)), checkpoint + "/" + file);
            }
        }
        byte[] png = Arrays.copyOf(Files.readAllBytes(dir.resolve("loss.png")), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, png);

        long tokensBefore = new ObjectMapper().readTree(dir.resolve("history.json").toFile()).get("tokens_seen").asLong();
        assertEquals(tokensBefore, history.get(1).get("tokens_seen").asLong(), "tokens of the run so far");

        // The same command with more steps continues from last/ and keeps the history and the token count.
        String[] again = distill(dir, out, "--max-steps", "6");
        assertEquals("0", again[0], again[2]);
        assertTrue(again[1].contains("resuming from") && again[1].contains("at step 4"), again[1]);
        JsonNode resumed = new ObjectMapper().readTree(dir.resolve("history.json").toFile());
        assertEquals(3, resumed.get("history").size());
        long tokensAfter = resumed.get("tokens_seen").asLong();
        assertTrue(tokensAfter > tokensBefore, tokensBefore + " -> " + tokensAfter);
        assertEquals(tokensAfter, resumed.get("history").get(2).get("tokens_seen").asLong(), "counted across the resume");

        // Other spiking settings on the same folder are refused, naming both.
        String[] other = distill(dir, out, "--max-steps", "8", "-T", "2");
        assertEquals("1", other[0]);
        assertTrue(other[2].contains("holds a run with") && other[2].contains("T=1") && other[2].contains("T=2"), other[2]);
    }

    @Test
    void initFromStartsAnotherTimeStepCountFromADistilledStudent(@TempDir Path dir) throws Exception {
        Path t1 = dir.resolve("t1");
        assertEquals("0", distill(dir, t1, "--max-steps", "2")[0]);

        Path t2 = dir.resolve("t2");
        String[] r = distill(dir, t2, "--max-steps", "2", "-T", "2", "--init-from", t1.resolve("best").toString());
        assertEquals("0", r[0], r[2]);
        JsonNode e = new ObjectMapper().readTree(dir.resolve("history.json").toFile()).get("history").get(0);
        double rate = e.get("firing_rate").asDouble();
        assertTrue(rate > 0.05 && rate < 0.95, "recalibrated for T = 2: " + e);
        JsonNode config = new ObjectMapper().readTree(t2.resolve("best").resolve("config.json").toFile());
        assertEquals(2, config.findValue("time_steps").asInt(), config.toString());

        String[] other = distill(dir, dir.resolve("t3"), "--max-steps", "2", "--init-from", GlueCommandTest.tinyModel(dir).toString());
        assertEquals("1", other[0]);
        assertTrue(other[2].contains("--init-from") && other[2].contains("teacher's shapes") && other[2].contains("hidden 32"), other[2]);
        assertFalse(Files.exists(dir.resolve("t3").resolve("last")), "nothing written");
    }

    @Test
    void aFiringBudgetTrainsLearnableAmplitudesAndIsRefusedWithoutThem(@TempDir Path dir) throws Exception {
        Path budgeted = dir.resolve("budgeted");
        String[] r = distill(dir, budgeted, "--max-steps", "2", "--learnable-alpha", "--max-firing-rate", "0.3");
        assertEquals("0", r[0], r[2]);
        JsonNode config = new ObjectMapper().readTree(budgeted.resolve("best").resolve("config.json").toFile());
        assertTrue(config.findValue("alpha_learnable").asBoolean(), config.toString());

        Path frozen = dir.resolve("frozen");
        String[] refused = distill(dir, frozen, "--max-steps", "2", "--max-firing-rate", "0.3");
        assertEquals("1", refused[0]);
        assertTrue(refused[2].contains("--learnable-alpha") && !refused[2].contains("\tat "), refused[2]);
        assertFalse(Files.exists(frozen.resolve("last")), "nothing written");
    }

    @Test
    void badTextIsAOneLineErrorNamingIt(@TempDir Path dir) throws Exception {
        String[] none = run("distill", "-T", "1", "--out", dir.resolve("o").toString());
        assertEquals("1", none[0]);
        assertTrue(none[2].contains("--text"), none[2]);

        Path missing = dir.resolve("no-such-folder");
        String[] r = run("distill", "-T", "1", "--text", missing.toString(), "--out", dir.resolve("o").toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("no-such-folder") && !r[2].contains("\tat "), r[2]);

        String[] mlm = run("distill", "-T", "1", "--text", prose(dir).toString(), "--out", dir.resolve("o3").toString(),
                "--mlm-weight", "1");
        assertEquals("1", mlm[0]);
        assertTrue(mlm[2].contains("MLM head"), mlm[2]);

        Path blank = Files.writeString(dir.resolve("blank.txt"), "\n   \n\n");
        String[] empty = run("distill", "-T", "1", "--text", blank.toString(), "--out", dir.resolve("o2").toString(),
                "--max-steps", "2", "--eval-every", "1", "--batch-size", "2");
        assertEquals("1", empty[0]);
        assertTrue(empty[2].contains("blank.txt"), empty[2]);
        assertFalse(Files.exists(dir.resolve("o2").resolve("last")), "nothing half-written");
    }

    /**
     * SIGTERM in the middle of a run: the JVM finishes the step, writes last/ and exits without a
     * crash log, and the checkpoint resumes.
     */
    @Test
    void sigtermStopsAtAStepBoundaryAndTheCheckpointResumes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Path state = out.resolve("last").resolve("trainer_state.json");
        try (ChildCli child = ChildCli.start(dir, List.of(
                "distill", "-T", "1", "--text", prose(dir).toString(), "--sts", stsFixture(dir).toString(),
                "--out", out.toString(), "--eval-every", "2", "--batch-size", "4", "--max-length", "32",
                "--max-steps", "1000", "--chart", dir.resolve("loss.png").toString()))) {
            child.awaitWhileRunning("a first checkpoint", () -> Files.isRegularFile(state));
            Thread.sleep(1500); // into the next steps
            String log = child.terminate();
            assertTrue(log.contains("no chart: the JVM is exiting") && !log.contains("error:"), log);
        }
        JsonNode saved = new ObjectMapper().readTree(state.toFile());
        assertTrue(saved.get("optimizer_steps").asLong() >= 2, saved.toString());
        assertFalse(Files.exists(out.resolve("last.tmp")), "no half-written checkpoint left behind");

        String[] resumed = distill(dir, out, "--max-steps", Long.toString(saved.get("optimizer_steps").asLong() + 1));
        assertEquals("0", resumed[0], resumed[2]);
        assertTrue(resumed[1].contains("resuming from"), resumed[1]);
        assertTrue(new File(out.resolve("best").toString()).isDirectory());
    }
}
