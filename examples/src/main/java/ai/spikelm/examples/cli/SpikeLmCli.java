package ai.spikelm.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code spikelm} command: spike-driven language models on the JVM. */
@Command(
        name = "spikelm",
        mixinStandardHelpOptions = true,
        version = "spikelm 0.1.0",
        description = "Spike-driven language models (SpikeLM) on the JVM.",
        subcommands = {ConvertCommand.class, EnergyCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class SpikeLmCli {

    private SpikeLmCli() {}

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /**
     * Creates the picocli command line (shared by {@link #main} and tests).
     *
     * @return the command line
     */
    public static CommandLine newCommandLine() {
        return new CommandLine(new SpikeLmCli());
    }
}
