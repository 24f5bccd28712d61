package ai.spikelm.spark;

import ai.spikelm.zoo.eval.Correlations;
import ai.spikelm.zoo.eval.StsPair;
import ai.spikelm.zoo.eval.StsResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Zero-shot STS (the GLUE STS-B dev set, say) over partitions: each partition embeds its pairs'
 * sentences and scores them by cosine on its executor; the driver gathers the cosines in pair
 * order and correlates them with the gold scores, exactly as {@link
 * ai.spikelm.zoo.eval.StsEvaluator} does in one process.
 *
 * <pre>{@code
 * List<StsPair> pairs = StsEvaluator.readGlueStsb(Path.of("glue_data/STS-B/dev.tsv"));
 * StsJobResult result = StsJob.builder().setPairs(pairs).build().run(spark);
 * }</pre>
 *
 * <p>Spearman is a rank statistic over all pairs, so it cannot be summed from partitions: only the
 * cosines (one double per pair) travel back. The pairs are read on the driver with the
 * single-process reader, so both runs score the same pairs.
 */
public final class StsJob {

    private final List<StsPair> pairs;
    private final EncoderSpec encoder;
    private final Integer partitions;

    private StsJob(Builder b) {
        this.pairs = List.copyOf(b.pairs);
        this.encoder = b.encoder;
        this.partitions = b.partitions;
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
     * Runs the job.
     *
     * @param spark the session
     * @return the correlations, each pair's cosine and the cost
     */
    public StsJobResult run(SparkSession spark) {
        long started = System.nanoTime();
        List<Row> rows = new ArrayList<>(pairs.size());
        Set<String> sentences = new HashSet<>();
        for (int i = 0; i < pairs.size(); i++) {
            StsPair pair = pairs.get(i);
            rows.add(RowFactory.create(i, pair.sentence1(), pair.sentence2()));
            sentences.add(pair.sentence1());
            sentences.add(pair.sentence2());
        }
        int target = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
        Dataset<Row> scored = spark.createDataFrame(rows, PairScorer.INPUT)
                .repartition(target)
                .mapPartitions(new PairScorer(encoder), Encoders.row(PairScorer.OUTPUT));
        double[] cosines = new double[pairs.size()];
        double[] gold = new double[pairs.size()];
        long tokens = 0;
        Double firingTokens = 0.0;
        Double microjoules = 0.0;
        Double annMicrojoules = 0.0;
        for (Row row : scored.collectAsList()) {
            int i = row.getInt(0);
            cosines[i] = row.getDouble(1);
            tokens += row.getLong(2);
            firingTokens = add(firingTokens, row, 3);
            microjoules = add(microjoules, row, 4);
            annMicrojoules = add(annMicrojoules, row, 5);
        }
        for (int i = 0; i < pairs.size(); i++) {
            gold[i] = pairs.get(i).score();
        }
        StsResult result = new StsResult(Correlations.spearman(cosines, gold), Correlations.pearson(cosines, gold),
                pairs.size(), sentences.size(), (System.nanoTime() - started) / 1e9);
        return new StsJobResult(result, cosines, target, tokens,
                divide(firingTokens, tokens), divide(microjoules, tokens), divide(annMicrojoules, tokens));
    }

    /** A running sum that becomes null as soon as one row has no value (nothing measured). */
    private static Double add(Double sum, Row row, int field) {
        return sum == null || row.isNullAt(field) ? null : sum + row.getDouble(field);
    }

    private static Double divide(Double sum, long tokens) {
        return sum == null || tokens == 0 ? null : sum / tokens;
    }

    /** Builds an {@link StsJob}. */
    public static final class Builder {
        private List<StsPair> pairs;
        private EncoderSpec encoder = EncoderSpec.builder().build();
        private Integer partitions;

        Builder() {}

        /**
         * Sets the pairs to score (required), for example from {@link
         * ai.spikelm.zoo.eval.StsEvaluator#readGlueStsb}.
         *
         * @param pairs at least one pair
         * @return this builder
         */
        public Builder setPairs(List<StsPair> pairs) {
            this.pairs = pairs;
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
         * Sets how many partitions the pairs are spread over (default: the default parallelism).
         *
         * @param partitions at least 1, or null for the default
         * @return this builder
         */
        public Builder optPartitions(Integer partitions) {
            this.partitions = partitions;
            return this;
        }

        /**
         * Builds the job.
         *
         * @return the job
         * @throws IllegalArgumentException if there are no pairs or the partition count is below 1
         */
        public StsJob build() {
            if (pairs == null || pairs.isEmpty()) {
                throw new IllegalArgumentException("setPairs(...) needs at least one STS pair");
            }
            if (partitions != null && partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
            }
            return new StsJob(this);
        }
    }
}
