package ai.spikelm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.ops.stats.TransformerCost;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The spikelm subcommands on the embedded all-MiniLM-L6-v2. */
class CliCommandsTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = SpikeLmCli.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void quickstartComparesAnnAndSpikeLm() {
        Run r = run("quickstart");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ANN cosine similarity"), r.out());
        assertTrue(r.out().contains("SpikeLM T=4 cosine similarity"), r.out());
        Matcher agreement = Pattern.compile("same nearest neighbour for (\\d) of 8").matcher(r.out());
        assertTrue(agreement.find(), r.out());
        Matcher saving = Pattern.compile("— ([0-9.]+)x less").matcher(r.out());
        assertTrue(saving.find(), r.out());
        assertTrue(Double.parseDouble(saving.group(1)) > 1.0);
    }

    @Test
    void quickstartComparesAStudentToo(@TempDir Path dir) {
        // The ANN itself as the "student": its agreement with the ANN must be perfect.
        Path ann = dir.resolve("ann");
        Run convert = run("convert", "--out", ann.toString(), "--ann");
        assertEquals(0, convert.code(), convert.err());
        Run r = run("quickstart", "-T", "1", "--student", ann.toString());
        assertEquals(0, r.code(), r.err());
        Matcher agreement =
                Pattern.compile("Student agreement with the ANN: Pearson r ([0-9.-]+); same nearest neighbour for (\\d) of 8")
                        .matcher(r.out());
        assertTrue(agreement.find(), r.out());
        assertEquals(1.0, Double.parseDouble(agreement.group(1)), 1e-3);
        assertEquals("8", agreement.group(2));
    }

    @Test
    void embedPrintsUnitVectorsAsJsonLines() throws Exception {
        Run r = run("embed", "--json", "A man is playing a guitar.", "The stock market fell.");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        JsonNode first = new ObjectMapper().readTree(lines[0]);
        assertEquals(0, first.get("index").asInt());
        assertEquals(9, first.get("tokens").asInt(), "[CLS] a man is playing a guitar . [SEP]");
        double norm = 0;
        for (JsonNode x : first.get("embedding")) {
            norm += x.asDouble() * x.asDouble();
        }
        assertEquals(384, first.get("embedding").size());
        assertEquals(1.0, norm, 1e-4);
    }

    @Test
    void convertThenMeasureTheConvertedModel(@TempDir Path dir) {
        Path out = dir.resolve("minilm-spikelm");
        Run convert = run("convert", "--out", out.toString(), "-T", "1", "--reset", "HARD");
        assertEquals(0, convert.code(), convert.err());
        for (String file : new String[] {"config.json", "model.safetensors", "tokenizer.json", "serving.properties"}) {
            assertTrue(Files.isRegularFile(out.resolve(file)), file);
        }
        assertTrue(convert.out().contains("Calibrated α of 48 spike sites"), convert.out());

        // Energy at a fixed length reproduces the analytic MAC count of the same shape.
        Run energy = run("energy", "--model", out.toString(), "--seq-len", "128", "--max-lines", "16");
        assertEquals(0, energy.code(), energy.err());
        Matcher per = Pattern.compile("per sequence: ANN ([0-9.]+) mJ").matcher(energy.out());
        assertTrue(per.find(), energy.out());
        double analyticMj = TransformerCost.encoderMacs(6, 128, 384, 1536) * 4.6e-12 * 1e3;
        assertEquals(analyticMj, Double.parseDouble(per.group(1)), 1e-3, energy.out());
    }

    private static double[] vector(Run r, int index) throws Exception {
        assertEquals(0, r.code(), r.err());
        JsonNode v = new ObjectMapper().readTree(r.out().strip().split("\n")[index]).get("embedding");
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).asDouble();
        }
        return out;
    }

    @Test
    void embedConvertedOnLoadIsCalibratedOnTheSampleWhateverItsOtherInputs(@TempDir Path dir) throws Exception {
        String a = "A man is playing a guitar.";
        String b = "The committee will meet again next Tuesday to review the budget for the coming year.";
        double[] alone = vector(run("embed", "--json", "-T", "2", a), 0);
        double[] withB = vector(run("embed", "--json", "-T", "2", b, a), 1);
        assertArrayEquals(alone, withB, 1e-6, "A's vector must not depend on the other texts of the call");

        // convert calibrates on the same default set: its saved model gives the same vector.
        Path converted = dir.resolve("t2");
        Run convert = run("convert", "--out", converted.toString(), "-T", "2");
        assertEquals(0, convert.code(), convert.err());
        assertTrue(convert.out().contains("on 40 lines of the embedded sample"), convert.out());
        assertArrayEquals(alone, vector(run("embed", "--json", "--model", converted.toString(), a), 0), 1e-6);

        Path other = Files.writeString(dir.resolve("calibration.txt"), "Cats sleep most of the day.\nThe stock market fell sharply.\n");
        double[] calibratedElsewhere = vector(run("embed", "--json", "-T", "2", "--calibration-text", other.toString(), a), 0);
        assertFalse(java.util.Arrays.equals(alone, calibratedElsewhere), "--calibration-text must change α");

        Run missing = run("embed", "-T", "1", "--calibration-text", dir.resolve("nope.txt").toString(), a);
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nope.txt: no such file"), missing.err());
        assertFalse(missing.err().contains("\tat "), missing.err());
    }

    @Test
    void userMistakesAreOneLineErrorsWithExitCodeOne(@TempDir Path dir) {
        Run missing = run("convert", "--from", dir.resolve("nope.onnx").toString(), "--out", dir.resolve("x").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
        assertFalse(missing.err().contains("Exception"), missing.err());
        assertFalse(missing.err().contains("\tat "), missing.err());

        Run badPooling = run("embed", "--pooling", "median", "text");
        assertEquals(1, badPooling.code());
        assertTrue(badPooling.err().contains("Unknown pooling 'median'"), badPooling.err());
    }
}
