package ai.spikelm.spark.cli;

import ai.spikelm.spark.ExecutorEncoders;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Where a command's Spark job runs, as command-line options. */
final class SparkOptions {

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master, e.g. local[2] (default: the one spark-submit passes).")
    String master;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "Spread the rows over N partitions (default: the input's, at least the default parallelism).")
    Integer partitions;

    /**
     * Checks the options.
     *
     * @param spec the command, for errors
     * @throws ParameterException if the partition count is below 1, or there is neither {@code
     *     --master} nor a master from spark-submit
     */
    void validate(CommandSpec spec) {
        if (partitions != null && partitions < 1) {
            throw new ParameterException(spec.commandLine(), "--partitions must be at least 1, got " + partitions);
        }
        if (master == null && System.getProperty("spark.master") == null) {
            throw new ParameterException(spec.commandLine(),
                    "No Spark master: give --master local[2] (or another master URL), or run the command under spark-submit");
        }
    }

    /**
     * Starts (or joins) the Spark session: with {@code --master}, a session of that master, quiet
     * below warnings; without, the one {@code spark-submit} configured.
     *
     * @param appName the application's name
     * @return the session
     */
    SparkSession session(String appName) {
        return session(appName, master);
    }

    /**
     * Starts (or joins) a Spark session of a given master.
     *
     * @param appName the application's name
     * @param master the master URL, or null for the one spark-submit configured
     * @return the session
     */
    static SparkSession session(String appName, String master) {
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (master != null) {
            builder.master(master).config("spark.log.level", "WARN");
        }
        return builder.getOrCreate();
    }

    /**
     * Stops the session and frees the encoders this JVM loaded (the driver's, in local mode).
     *
     * @param spark the session
     */
    static void stop(SparkSession spark) {
        spark.stop();
        ExecutorEncoders.closeAll();
    }
}
