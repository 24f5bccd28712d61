package ai.spikelm.examples.cli;

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
    void embedPrintsUnitVectorsAsJson() throws Exception {
        Run r = run("embed", "--json", "A man is playing a guitar.", "The stock market fell.");
        assertEquals(0, r.code(), r.err());
        JsonNode vectors = new ObjectMapper().readTree(r.out());
        assertEquals(2, vectors.size());
        double norm = 0;
        for (JsonNode x : vectors.get(0)) {
            norm += x.asDouble() * x.asDouble();
        }
        assertEquals(384, vectors.get(0).size());
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
