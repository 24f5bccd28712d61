package ai.spikelm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The help of every subcommand renders cleanly: picocli formats descriptions, so a bare '%' warns. */
class CliHelpTest {

    @Test
    void everySubcommandsHelpRendersWithoutPicocliWarnings() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Map<String, CommandLine> commands = SpikeLmCli.newCommandLine().getSubcommands();
        String pretrainHelp;
        try {
            // picocli reports formatting problems through its tracer, on System.err.
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            commands.values().forEach(CommandLine::getUsageMessage);
            pretrainHelp = commands.get("pretrain-lm").getUsageMessage();
        } finally {
            System.setErr(stderr);
        }
        String warnings = captured.toString(StandardCharsets.UTF_8);
        assertFalse(warnings.contains("picocli WARN"), warnings);
        assertTrue(pretrainHelp.replaceAll("\\s+", " ").contains("linear decay to 10% (default 50)"), pretrainHelp);
    }
}
