package ai.spikelm.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.Arrays;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Embeds a text, JSONL or Parquet dataset with a SpikeLM or ANN encoder and writes Parquet: every
 * input column, then {@link EmbedColumns} (vector, tokens, firing rate, energy).
 *
 * <pre>{@code
 * EmbedSummary summary = EmbedJob.builder()
 *         .setInput("sentences.jsonl")                      // or .txt, .parquet, a directory with optFormat
 *         .setOutput("vectors.parquet")
 *         .optEncoder(EncoderSpec.builder().optTimeSteps(4).build())
 *         .build()
 *         .run(spark);
 * }</pre>
 *
 * <p>Each partition is streamed through its executor's encoder a group of texts at a time ({@link
 * ExecutorEncoders}: one model per executor, loaded by its first task). A dataset with fewer
 * partitions than the cluster's default parallelism (one small file, say) is spread over that many
 * first, so every task slot works. Rows keep their input columns, not their order: join on an id
 * column (text input gets {@value #LINE}).
 */
public final class EmbedJob {

    /** The column of text input that holds each row's 1-based line number. */
    public static final String LINE = "line";

    private final String input;
    private final String output;
    private final InputFormat format;
    private final String textColumn;
    private final EncoderSpec encoder;
    private final Integer partitions;
    private final boolean overwrite;

    private EmbedJob(Builder b) {
        this.input = b.input;
        this.output = b.output;
        this.format = b.format != null ? b.format : InputFormat.guess(b.input);
        this.textColumn = b.textColumn;
        this.encoder = b.encoder;
        this.partitions = b.partitions;
        this.overwrite = b.overwrite;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the encoder the job runs.
     *
     * @return the spec
     */
    public EncoderSpec encoder() {
        return encoder;
    }

    /**
     * Runs the job: reads, embeds, writes the Parquet output, then sums it up from what was written.
     *
     * <p>A missing input, or an output that exists without {@link Builder#optOverwrite}, fails with
     * Spark's own exception naming the path.
     *
     * @param spark the session
     * @return what was written
     * @throws IllegalArgumentException naming the input if it has no text column of string type, or
     *     already has a column the job writes
     */
    public EmbedSummary run(SparkSession spark) {
        long started = System.nanoTime();
        Dataset<Row> data = read(spark);
        StructType schema = data.schema();
        checkTextColumn(schema);
        int current = data.rdd().getNumPartitions();
        int target = partitions != null ? partitions : Math.max(current, spark.sparkContext().defaultParallelism());
        if (target != current) {
            data = data.repartition(target);
        }
        Dataset<Row> embedded = data.mapPartitions(
                new PartitionEmbedder(encoder, schema.fieldIndex(textColumn), textColumn),
                Encoders.row(EmbedColumns.appendTo(schema)));
        embedded.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(output);
        return summarise(spark, target, (System.nanoTime() - started) / 1e9);
    }

    private Dataset<Row> read(SparkSession spark) {
        switch (format) {
            case TEXT:
                return numberedLines(spark);
            case JSONL:
                // FAILFAST: a malformed line stops the job with its text, instead of a null row.
                return spark.read().option("mode", "FAILFAST").json(input);
            case PARQUET:
                return spark.read().parquet(input);
            default:
                throw new IllegalStateException("format " + format);
        }
    }

    /** Non-blank lines with their 1-based line numbers (over the files in name order). */
    private Dataset<Row> numberedLines(SparkSession spark) {
        JavaRDD<Row> rows = spark.read().textFile(input).javaRDD()
                .zipWithIndex()
                .filter(line -> !line._1().isBlank())
                .map(line -> RowFactory.create(line._2() + 1, line._1()));
        StructType schema = new StructType()
                .add(LINE, DataTypes.LongType, false)
                .add(textColumn, DataTypes.StringType, false);
        return spark.createDataFrame(rows, schema);
    }

    private void checkTextColumn(StructType schema) {
        if (!Arrays.asList(schema.fieldNames()).contains(textColumn)) {
            throw new IllegalArgumentException(input + " has no column '" + textColumn + "' (its columns: "
                    + String.join(", ", schema.fieldNames()) + "); name the text column (--text-column)");
        }
        DataType type = schema.apply(textColumn).dataType();
        if (!type.equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("Column '" + textColumn + "' of " + input + " is " + type.simpleString()
                    + ", not a string");
        }
    }

    private EmbedSummary summarise(SparkSession spark, int usedPartitions, double seconds) {
        Row totals = spark.read().parquet(output).agg(
                        count(lit(1)),
                        sum(EmbedColumns.TOKENS),
                        sum(col(EmbedColumns.FIRING_RATE).multiply(col(EmbedColumns.TOKENS))),
                        sum(EmbedColumns.ENERGY),
                        sum(EmbedColumns.ANN_ENERGY))
                .first();
        long rows = totals.getLong(0);
        long tokens = totals.isNullAt(1) ? 0 : totals.getLong(1);
        return new EmbedSummary(rows, usedPartitions, tokens,
                perToken(totals, 2, tokens), perToken(totals, 3, tokens), perToken(totals, 4, tokens), seconds);
    }

    private static Double perToken(Row totals, int field, long tokens) {
        return totals.isNullAt(field) || tokens == 0 ? null : ((Number) totals.get(field)).doubleValue() / tokens;
    }

    /** Builds an {@link EmbedJob}. */
    public static final class Builder {
        private String input;
        private String output;
        private InputFormat format;
        private String textColumn = "text";
        private EncoderSpec encoder = EncoderSpec.builder().build();
        private Integer partitions;
        private boolean overwrite;

        Builder() {}

        /**
         * Sets the dataset to embed (required).
         *
         * @param input a file, directory or URI Spark can read
         * @return this builder
         */
        public Builder setInput(String input) {
            this.input = input;
            return this;
        }

        /**
         * Sets where the Parquet output goes (required).
         *
         * @param output a directory path or URI
         * @return this builder
         */
        public Builder setOutput(String output) {
            this.output = output;
            return this;
        }

        /**
         * Sets the input format (default: from the input's extension).
         *
         * @param format the format, or null to guess
         * @return this builder
         */
        public Builder optFormat(InputFormat format) {
            this.format = format;
            return this;
        }

        /**
         * Sets the column that holds the text (default {@code text}; for text input, the name the
         * lines get).
         *
         * @param textColumn the column name
         * @return this builder
         */
        public Builder optTextColumn(String textColumn) {
            this.textColumn = Objects.requireNonNull(textColumn, "textColumn");
            return this;
        }

        /**
         * Sets the encoder (default: the embedded all-MiniLM-L6-v2 as it is, an ANN).
         *
         * @param encoder the encoder spec
         * @return this builder
         */
        public Builder optEncoder(EncoderSpec encoder) {
            this.encoder = Objects.requireNonNull(encoder, "encoder");
            return this;
        }

        /**
         * Sets how many partitions the rows are spread over (default: the input's, at least the
         * default parallelism).
         *
         * @param partitions at least 1, or null for the default
         * @return this builder
         */
        public Builder optPartitions(Integer partitions) {
            this.partitions = partitions;
            return this;
        }

        /**
         * Sets whether an existing output is replaced (default false: the job fails).
         *
         * @param overwrite whether to replace
         * @return this builder
         */
        public Builder optOverwrite(boolean overwrite) {
            this.overwrite = overwrite;
            return this;
        }

        /**
         * Builds the job.
         *
         * @return the job
         * @throws IllegalArgumentException if the input or output is missing, the partition count
         *     is below 1, or the format cannot be guessed from the input's name
         */
        public EmbedJob build() {
            if (input == null || output == null) {
                throw new IllegalArgumentException("setInput(...) and setOutput(...) are required");
            }
            if (partitions != null && partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
            }
            return new EmbedJob(this);
        }
    }
}
