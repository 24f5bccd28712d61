package ai.spikelm.examples.cli;

import static ai.spikelm.examples.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spikelm sts} on a small STS-B-layout file with the embedded all-MiniLM-L6-v2. */
class StsCommandTest {

    private static final String HEADER = "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore";

    private static final String[][] PAIRS = {
        {"A man is playing a guitar.", "A man plays the guitar.", "4.800"},
        {"A woman is slicing an onion.", "Someone is cutting an onion.", "4.000"},
        {"A man is playing a guitar.", "The stock market fell sharply on Monday.", "0.000"},
        {"Kids are playing in the park.", "Children play outside.", "3.600"},
        {"The cat sleeps.", "A dog is barking loudly at the mail carrier.", "0.400"},
        {"A plane is taking off.", "An airplane is departing.", "4.600"},
        {"Prices rose again this quarter.", "Inflation went up.", "2.500"},
        {"The cat sleeps.", "A cat is asleep on the sofa.", "3.200"},
        {"A man is riding a horse.", "A woman is reading a book.", "0.200"},
        {"Two dogs run through a field.", "Dogs are running in the grass.", "4.200"},
        {"Row eleven is past the limit.", "It must not be read.", "1.000"},
    };

    private static final Pattern SCORES = Pattern.compile("Spearman (-?[0-9.]+)  Pearson (-?[0-9.]+)  \\(x100; (\\d+) pairs");

    private static Path fixture(Path dir) throws IOException {
        StringBuilder tsv = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < PAIRS.length; i++) {
            tsv.append(i).append("\tmain-captions\tfixture\t2024\t").append(i).append("\tnone\tnone\t")
                    .append(String.join("\t", PAIRS[i])).append('\n');
        }
        return Files.writeString(dir.resolve("sts.tsv"), tsv.toString());
    }

    /** Checks the printed scores and returns {Spearman, Pearson} × 100. */
    private static double[] scores(String out, int pairs) {
        Matcher m = SCORES.matcher(out);
        assertTrue(m.find(), out);
        double spearman = Double.parseDouble(m.group(1));
        double pearson = Double.parseDouble(m.group(2));
        assertTrue(spearman >= -100 && spearman <= 100, out);
        assertTrue(pearson >= -100 && pearson <= 100, out);
        assertEquals(pairs, Integer.parseInt(m.group(3)), out);
        return new double[] {spearman, pearson};
    }

    @Test
    void annScoresTheFirstPairsAndWritesJson(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("sts.json");
        String[] r = run("sts", "--file", fixture(dir).toString(), "--limit", "10", "--json", json.toString());
        assertEquals("0", r[0], r[2]);
        double[] printed = scores(r[1], 10);
        assertTrue(r[1].contains("ANN, mean pooling"), r[1]);
        assertFalse(r[1].contains("firing rate"), "an ANN has no spikes: " + r[1]);
        // A real sentence encoder ranks these hand-made pairs well above chance.
        assertTrue(printed[0] > 50, r[1]);

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(10, root.get("pairs").asInt());
        assertEquals(18, root.get("sentences").asInt(), "20 sentences, two repeated");
        assertEquals(printed[0], 100 * root.get("spearman").asDouble(), 0.005);
        assertEquals(printed[1], 100 * root.get("pearson").asDouble(), 0.005);
        assertEquals("ANN", root.get("spiking").asText());
        assertTrue(root.get("firing_rate").isNull());
        assertTrue(root.get("seconds").asDouble() > 0);
        assertEquals(64, root.get("batch_size").asInt());
        assertEquals(128, root.get("max_length").asInt());
    }

    @Test
    void spikingRunReportsFiringRateAndEnergyPerToken(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("sts.json");
        Path tsv = fixture(dir);
        String[] r = run("sts", "--file", tsv.toString(), "-T", "1", "--batch-size", "4", "--json", json.toString());
        assertEquals("0", r[0], r[2]);
        double[] measured = scores(r[1], PAIRS.length);
        Matcher energy = Pattern.compile("firing rate (0\\.\\d+); energy per real token ANN ([0-9.]+) µJ, this model ([0-9.]+) µJ").matcher(r[1]);
        assertTrue(energy.find(), r[1]);

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(1, root.get("time_steps").asInt());
        double rate = root.get("firing_rate").asDouble();
        assertTrue(rate > 0 && rate < 1, r[1]);
        double ann = root.get("ann_uj_per_token").asDouble();
        double spiking = root.get("model_uj_per_token").asDouble();
        assertTrue(spiking > 0 && spiking < ann, "T = 1 costs less than the ANN: " + r[1]);
        // 6 layers of 384 → 1536, at least 6·(4·384² + 2·384·1536) MACs per token, 4.6 pJ each.
        assertTrue(ann >= 6 * (4 * 384 * 384 + 2 * 384 * 1536) * 4.6e-6, r[1]);
        assertTrue(root.get("tokens_measured").asLong() > 0);

        // Counting spikes does not change them: the same scores without it.
        String[] quiet = run("sts", "--file", tsv.toString(), "-T", "1", "--batch-size", "4", "--no-energy");
        assertEquals("0", quiet[0], quiet[2]);
        assertArrayEquals(measured, scores(quiet[1], PAIRS.length), 1e-9, quiet[1]);
        assertFalse(quiet[1].contains("firing rate"), quiet[1]);
    }

    @Test
    void mistakesAreClearErrors(@TempDir Path dir) throws IOException {
        String[] neither = run("sts");
        assertEquals("2", neither[0]);
        assertTrue(neither[2].contains("exactly one of --data"), neither[2]);

        String[] noStsb = run("sts", "--data", dir.toString());
        assertEquals("1", noStsb[0]);
        assertTrue(noStsb[2].contains(dir.resolve("STS-B").resolve("dev.tsv") + ": no such file"), noStsb[2]);

        Path bad = Files.writeString(dir.resolve("bad.tsv"), HEADER + "\n0\tg\tf\t2024\t0\tn\tn\ta\tb\tfive\n");
        String[] badScore = run("sts", "--file", bad.toString());
        assertEquals("1", badScore[0]);
        assertTrue(badScore[2].contains(bad + ":2: score 'five' in column 10 is not a decimal number"), badScore[2]);

        String[] limit = run("sts", "--file", bad.toString(), "--limit", "0");
        assertEquals("2", limit[0]);
        assertTrue(limit[2].contains("--limit must be at least 1"), limit[2]);
    }
}
