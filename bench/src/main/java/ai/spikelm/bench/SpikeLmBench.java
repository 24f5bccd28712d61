package ai.spikelm.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code spikelm-bench} launcher: SpikeLM side by side with other engines. */
@Command(
        name = "spikelm-bench",
        mixinStandardHelpOptions = true,
        version = "spikelm-bench 0.1.0",
        description = "SpikeLM side by side with other engines, interleaved in one JVM.",
        subcommands = {OnnxBenchCommand.class, CommandLine.HelpCommand.class})
public final class SpikeLmBench {

    private SpikeLmBench() {}

    /**
     * Runs the launcher.
     *
     * @param args the arguments, for example {@code onnx --sizes 8x128 --threads 2}
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
        CommandLine cli = new CommandLine(new SpikeLmBench());
        cli.setUsageHelpAutoWidth(true);
        cli.setExecutionExceptionHandler(SpikeLmBench::reportError);
        return cli;
    }

    /** A bad argument or a failed run is one line and exit code 1, not a stack trace. */
    private static int reportError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        cli.getErr().println("spikelm-bench: " + message);
        cli.getErr().flush();
        return 1;
    }
}
