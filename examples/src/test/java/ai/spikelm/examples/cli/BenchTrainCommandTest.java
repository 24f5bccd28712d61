package ai.spikelm.examples.cli;

import static ai.spikelm.examples.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code spikelm bench-train} trains the embedded MiniLM as ANN, T=1 and T=4 through the trainer
 * and reports one row per configuration and sequence length, the ANN as the 1.00x reference (no
 * timing asserted).
 */
class BenchTrainCommandTest {

    @Test
    void printsOneRowPerConfigurationAndSequenceLength() {
        String[] r = run("bench-train", "--batch-size", "1", "--seq-len", "4,6", "--rounds", "1", "--warmup", "1");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("PyTorch threads "), r[1]);
        for (int length : new int[] {4, 6}) {
            int section = r[1].indexOf("batch 1 x " + length + " tokens:");
            assertTrue(section >= 0, r[1]);
            for (String name : new String[] {"ANN", "SpikeLM T=1", "SpikeLM T=4"}) {
                // name, median, min - max, ratio, ratio range, CPU ratio, its range, tokens/s, cores, resident
                Matcher row = Pattern.compile(Pattern.quote(name)
                                + " +([0-9.]+) +[0-9.]+ - +[0-9.]+ +([0-9.]+) +[0-9.]+ - +[0-9.]+"
                                + " +([0-9.]+|NaN) +([0-9.]+|NaN) - +([0-9.]+|NaN)"
                                + " +([0-9]+) +([0-9.]+|NaN) +-?[0-9]+ MB")
                        .matcher(r[1]);
                assertTrue(row.find(section), name + " at " + length + " in\n" + r[1]);
                double ms = Double.parseDouble(row.group(1));
                assertTrue(ms > 0, r[1]);
                // tokens/s is the batch's tokens over the median step time
                assertEquals(length / (ms / 1e3), Double.parseDouble(row.group(6)), 1.0, r[1]);
                if (name.equals("ANN")) {
                    assertEquals("1.00", row.group(2));
                    assertEquals("1.00", row.group(3));
                }
            }
        }
    }

    @Test
    void aSequenceOfOneTokenIsAOneLineError() {
        String[] r = run("bench-train", "--seq-len", "64,1");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--seq-len must be >= 2, got 1"), r[2]);
    }
}
