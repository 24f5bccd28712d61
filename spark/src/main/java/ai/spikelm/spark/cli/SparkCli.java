package ai.spikelm.spark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The Spark commands of the {@code spikelm} command line, in their own launcher so that the main
 * command line carries no Spark (Spark's Scala, Hadoop client and Jackson 2.21 cannot share a class
 * path with LangChain4j's Jackson 2.22): {@code spark-embed}, {@code spark-sts}, {@code spark-glue} and {@code
 * spark-bench}. The same main class runs under {@code spark-submit} on a cluster.
 */
@Command(
        name = "spikelm",
        mixinStandardHelpOptions = true,
        description = "SpikeLM batch jobs on Apache Spark (local with --master local[N], or under spark-submit).",
        subcommands = {SparkEmbedCommand.class, SparkStsCommand.class, SparkGlueCommand.class, SparkBenchCommand.class})
public final class SparkCli {

    private SparkCli() {}

    /**
     * Runs a command and exits with its status.
     *
     * @param args the command and its options
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * Returns the command line with every Spark command.
     *
     * @return the picocli command line
     */
    public static CommandLine commandLine() {
        return new CommandLine(new SparkCli());
    }
}
