package ai.spikelm.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code spikelm} command: spike-driven language models on the JVM. */
@Command(
        name = "spikelm",
        mixinStandardHelpOptions = true,
        version = "spikelm 0.1.0",
        description = "Spike-driven language models (SpikeLM) on the JVM.",
        subcommands = {
            QuickstartCommand.class,
            GlueCommand.class,
            DistillCommand.class,
            GlueReportCommand.class,
            GenerateCommand.class,
            PretrainLmCommand.class,
            PerplexityCommand.class,
            BenchGenerateCommand.class,
            RagCommand.class,
            ConvertCommand.class,
            EmbedCommand.class,
            StsCommand.class,
            EnergyCommand.class,
            BenchCommand.class,
            BenchTrainCommand.class,
            ServeCommand.class,
            BenchServeCommand.class,
            CommandLine.HelpCommand.class
        })
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
        CommandLine cli = new CommandLine(new SpikeLmCli());
        cli.setExecutionExceptionHandler(SpikeLmCli::reportError);
        cli.setUsageHelpAutoWidth(true); // wrap help to the terminal, not to 80 columns
        return cli;
    }

    /**
     * Reports a failed command as one clear line and exit code 1; the stack trace only with {@code
     * SPIKELM_DEBUG=1}, since a missing file or a wrong format is the user's to fix, not a crash.
     */
    private static int reportError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        Throwable cause = e.getCause();
        if (e instanceof java.io.UncheckedIOException && cause != null && cause.getMessage() != null) {
            message = cause.getMessage();
        }
        cli.getErr().println("spikelm " + cli.getCommandName() + ": error: " + message.lines().findFirst().orElse(message));
        message.lines().skip(1).forEach(line -> cli.getErr().println("  " + line.strip()));
        if ("1".equals(System.getenv("SPIKELM_DEBUG"))) {
            e.printStackTrace(cli.getErr());
        }
        cli.getErr().flush();
        return 1;
    }
}
