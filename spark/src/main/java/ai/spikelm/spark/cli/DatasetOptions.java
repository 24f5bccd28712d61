package ai.spikelm.spark.cli;

import ai.spikelm.spark.EmbedJob;
import ai.spikelm.spark.InputFormat;
import picocli.CommandLine.Option;

/** The dataset a command embeds, as command-line options. */
final class DatasetOptions {

    @Option(names = "--input", required = true, description = "Dataset: file, directory or URI (hdfs://, s3a://, ...).")
    String input;

    @Option(names = "--format", description = "text, jsonl or parquet (default: from the input's extension).")
    String format;

    @Option(names = "--text-column", defaultValue = "text", description = "Column holding the text (default ${DEFAULT-VALUE}).")
    String textColumn;

    /**
     * Returns a job builder reading this dataset.
     *
     * @return the builder, with input, format and text column set
     * @throws IllegalArgumentException if the format is unknown
     */
    EmbedJob.Builder job() {
        return EmbedJob.builder()
                .setInput(input)
                .optFormat(format == null ? null : InputFormat.of(format))
                .optTextColumn(textColumn);
    }
}
