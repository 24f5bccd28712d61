/**
 * The Spark commands of the {@code spikelm} command line ({@code spark-embed}, {@code spark-sts},
 * {@code spark-glue}, {@code spark-bench}), with their own launcher {@link ai.spikelm.spark.cli.SparkCli}: locally with
 * {@code --master local[N]}, on a cluster under {@code spark-submit}.
 */
package ai.spikelm.spark.cli;
