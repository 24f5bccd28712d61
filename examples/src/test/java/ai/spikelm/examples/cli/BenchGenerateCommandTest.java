package ai.spikelm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code spikelm bench-generate} reports one row per configuration with the ANN as the 1.00x reference (no timing asserted). */
class BenchGenerateCommandTest {

    private static String[] run(String... args) {
        CommandLine cli = SpikeLmCli.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return new String[] {Integer.toString(cli.execute(args)), out.toString(), err.toString()};
    }

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
