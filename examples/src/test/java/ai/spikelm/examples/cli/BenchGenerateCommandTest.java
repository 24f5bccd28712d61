package ai.spikelm.examples.cli;

import static ai.spikelm.examples.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code spikelm bench-generate} reports one row per configuration with the ANN as the 1.00x reference (no timing asserted). */
class BenchGenerateCommandTest {

    @Test
    void printsLatencyPerContextForAnnAndBothSpikingSettings() {
        String[] r = run("bench-generate", "--layers", "1", "--hidden", "16", "--heads", "2", "--contexts", "4,40",
                "--tokens", "2", "--rounds", "1");
        assertEquals("0", r[0], r[2]);
        for (String name : new String[] {"ANN", "SpikeLM T=1", "SpikeLM T=4"}) {
            Matcher row = Pattern.compile(Pattern.quote(name) + " +([0-9.]+) ms ([0-9.]+)x +([0-9.]+) ms ([0-9.]+)x").matcher(r[1]);
            assertTrue(row.find(), name + " in\n" + r[1]);
            if (name.equals("ANN")) {
                assertEquals("1.00", row.group(2));
                assertEquals("1.00", row.group(4));
            }
        }
    }

    @Test
    void aContextBeyondTheWindowIsAOneLineError() {
        String[] r = run("bench-generate", "--layers", "1", "--hidden", "16", "--heads", "2", "--contexts", "1020", "--tokens", "8");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("does not fit the model's window of 1024"), r[2]);
    }
}
