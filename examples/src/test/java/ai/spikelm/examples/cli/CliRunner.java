package ai.spikelm.examples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code spikelm} command line in-process for tests, capturing both streams. */
final class CliRunner {

    private CliRunner() {}

    /**
     * Runs one command line.
     *
     * @param args the arguments, the subcommand first
     * @return {exit code, standard output, standard error}
     */
    static String[] run(String... args) {
        CommandLine cli = SpikeLmCli.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return new String[] {Integer.toString(cli.execute(args)), out.toString(), err.toString()};
    }
}
