package ai.spikelm.examples.cli;

import static ai.spikelm.examples.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.gpt2.SpikeGpt2LMHeadModel;
import ai.spikelm.zoo.gpt2.SpikeGpt2Loader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spikelm pretrain-lm} and {@code spikelm perplexity} end to end on a tiny model and real prose. */
class PretrainLmCommandTest {

    /** The embedded public-domain prose, split: the first part trains, the last 2 KB are held out. */
    private static Path[] texts(Path dir) throws Exception {
        String prose = new String(PretrainLmCommandTest.class.getClassLoader()
                .getResourceAsStream("ai/spikelm/zoo/core/sample-text.txt").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int cut = prose.length() - 2000;
        Path train = Files.writeString(dir.resolve("train.txt"), prose.substring(0, cut));
        Path held = Files.writeString(dir.resolve("held.txt"), prose.substring(cut));
        return new Path[] {train, held};
    }

    @Test
    void trainsAByteLevelModelThenConvertsItToSpikingAndMeasuresPerplexity(@TempDir Path dir) throws Exception {
        Path[] text = texts(dir);
        Path ann = dir.resolve("ann");
        Path json = dir.resolve("ann.json");
        String[] r = run("pretrain-lm", "--text", text[0].toString(), "--held-out", text[1].toString(), "--out", ann.toString(),
                "--ann", "--layers", "1", "--hidden", "32", "--heads", "2", "--context", "32", "--batch-size", "8",
                "--steps-per-epoch", "15", "--epochs", "2", "--lr", "5e-3", "--warmup", "5", "--json", json.toString(),
                "--chart", dir.resolve("loss.png").toString());
        assertEquals("0", r[0], r[2]);
        // An ANN has no spikes: its summary says so instead of printing NaN.
        assertTrue(r[1].contains("firing rate - (no spikes)"), r[1]);
        assertFalse(r[1].contains("NaN"), r[1]);
        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertEquals(257, results.get("vocab_size").asInt());
        double perplexity = results.get("held_out_perplexity").asDouble();
        // Uniform over 257 bytes is 257; 30 steps must already have learned the byte frequencies.
        assertTrue(perplexity < 60, results.toString());
        assertTrue(Files.isRegularFile(ann.resolve("best/tokenizer.json")));
        byte[] png = Arrays.copyOf(Files.readAllBytes(dir.resolve("loss.png")), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, png);

        // The perplexity command on the same text and windows reproduces the training report.
        String[] p = run("perplexity", "--model", ann.resolve("last").toString(), "--text", text[1].toString(),
                "--context", "32", "--batch-size", "8");
        assertEquals("0", p[0], p[2]);
        Matcher m = Pattern.compile("perplexity ([0-9.]+)").matcher(p[1]);
        assertTrue(m.find(), p[1]);
        assertEquals(perplexity, Double.parseDouble(m.group(1)), 1e-3 * perplexity + 1e-3);

        // Converted to SpikeLM T=2 and distilled from the ANN for a few steps.
        Path snn = dir.resolve("snn");
        String[] s = run("pretrain-lm", "--text", text[0].toString(), "--held-out", text[1].toString(), "--out", snn.toString(),
                "--init-from", ann.resolve("best").toString(), "-T", "2", "--distill-from", ann.resolve("best").toString(),
                "--batch-size", "8", "--steps-per-epoch", "5", "--epochs", "1", "--lr", "1e-3", "--warmup", "1",
                "--json", dir.resolve("snn.json").toString());
        assertEquals("0", s[0], s[2]);
        JsonNode spiking = new ObjectMapper().readTree(dir.resolve("snn.json").toFile());
        assertEquals(2, spiking.get("time_steps").asInt());
        double rate = spiking.get("firing_rate").asDouble();
        assertTrue(rate > 0.05 && rate < 0.95, spiking.toString());
        assertTrue(spiking.get("model_uj_per_token").asDouble() < spiking.get("ann_uj_per_token").asDouble(), spiking.toString());
    }

    @Test
    void missingTextIsAOneLineError(@TempDir Path dir) throws Exception {
        String[] r = run("pretrain-lm", "--text", dir.resolve("nothing.txt").toString(), "--held-out", dir.toString(),
                "--out", dir.resolve("o").toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("spikelm pretrain-lm: error:") && r[2].contains("nothing.txt"), r[2]);
        assertTrue(!r[2].contains("\tat "), r[2]);
    }

    /**
     * SIGTERM to a child JVM in the middle of training (most of a step is forward and backward, so
     * the signal lands there): the step finishes, last/ is written, the JVM exits without a crash
     * log, and the checkpoint loads and resumes.
     */
    @Test
    void sigtermStopsAtAStepBoundaryAndTheCheckpointLoads(@TempDir Path dir) throws Exception {
        Path[] text = texts(dir);
        Path out = dir.resolve("run");
        List<String> args = List.of("pretrain-lm", "--text", text[0].toString(), "--held-out", text[1].toString(),
                "--out", out.toString(), "--ann", "--layers", "2", "--hidden", "64", "--heads", "2", "--context", "64",
                "--batch-size", "8", "--steps-per-epoch", "3", "--epochs", "1000", "--eval-windows", "8", "--warmup", "1");
        Path state = out.resolve("last").resolve("trainer_state.json");
        String log;
        try (ChildCli child = ChildCli.start(dir, args)) {
            child.awaitWhileRunning("a first checkpoint", () -> Files.isRegularFile(state));
            Thread.sleep(1500); // into the next steps
            log = child.terminate();
        }
        assertTrue(log.contains("stopped at step"), log);
        assertTrue(!Files.exists(out.resolve("last.tmp")) && !Files.exists(out.resolve("best.tmp")), "nothing half-written");
        JsonNode saved = new ObjectMapper().readTree(state.toFile());
        long steps = saved.get("optimizer_steps").asLong();
        assertTrue(steps > 3, "it trained past the first epoch's checkpoint: " + saved);

        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = SpikeGpt2Loader.builder().setModelDir(out.resolve("last")).build().loadLanguageModel(manager);
            assertEquals(2, model.getConfig().nLayer());
        }
        // The same command, now with a planned end, continues from the stopped step.
        List<String> resumed = new ArrayList<>(args);
        resumed.set(resumed.indexOf("1000"), Long.toString((steps + 3) / 3 + 1));
        String[] r = run(resumed.toArray(String[]::new));
        assertEquals("0", r[0], r[2]);
        assertTrue(new ObjectMapper().readTree(state.toFile()).get("optimizer_steps").asLong() > steps);
    }
}
