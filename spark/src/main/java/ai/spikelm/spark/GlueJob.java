package ai.spikelm.spark;

import ai.spikelm.zoo.eval.glue.GlueEvaluator;
import ai.spikelm.zoo.eval.glue.GlueExample;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;

/**
 * A GLUE dev-set evaluation of a fine-tuned classifier over partitions: the driver cuts the
 * examples into contiguous slices of whole batches, each executor loads the classifier once
 * ({@link ExecutorEncoders}) and runs its slices' batches with the {@link GlueEvaluator} of {@code
 * spikelm glue}, and the driver gathers the logits in example order and computes the metrics with
 * {@link GlueEvaluator#scores}.
 *
 * <pre>{@code
 * GlueSplitData dev = new GlueReader(Path.of("glue_data")).read(GlueTask.SST2, "dev");
 * ClassifierSpec spec = ClassifierSpec.builder().setModel("runs/sst2/best").setTask(GlueTask.SST2).build();
 * GlueJobResult result = GlueJob.builder().setExamples(dev.examples()).setClassifier(spec).build().run(spark);
 * double accuracy = result.scores().main();
 * }</pre>
 *
 * <p>Why slices of whole batches: a batch is padded to its longest example, and a spiking model's
 * output depends on the exact floats, so the executors run exactly the batches a single-process
 * evaluation runs and the metrics are the same, not merely close. Most metrics (F1, Matthews,
 * Spearman) are not sums over partitions either, so only the logits travel back.
 */
public final class GlueJob {

    private final List<GlueExample> examples;
    private final ClassifierSpec classifier;
    private final Integer partitions;

    private GlueJob(Builder b) {
        this.examples = List.copyOf(b.examples);
        // Without calibration examples, a model that needs calibrating is calibrated on the first
        // batch of these examples, as a single-process evaluation of them would be.
        this.classifier = b.classifier.calibration().isEmpty()
                ? b.classifier.toBuilder().optCalibration(examples).build()
                : b.classifier;
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
     * Returns the classifier as the executors load it (with its calibration examples).
     *
     * @return the spec
     */
    public ClassifierSpec classifier() {
        return classifier;
    }

    /**
     * Runs the job.
     *
     * @param spark the session
     * @return the metrics and each example's logits
     * @throws IOException if the model directory is not a readable classifier (checked on the
     *     driver before any task starts)
     * @throws IllegalArgumentException if the model is not a sequence classifier, or an example
     *     has no gold value
     */
    public GlueJobResult run(SparkSession spark) throws IOException {
        LoadedClassifier.check(classifier);
        long started = System.nanoTime();
        int target = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
        int[] starts = GlueEvaluator.batchStarts(examples.size(), classifier.batchSize(), target);
        List<Slice> slices = new ArrayList<>();
        for (int s = 0; s + 1 < starts.length; s++) {
            slices.add(new Slice(starts[s], new ArrayList<>(examples.subList(starts[s], starts[s + 1]))));
        }
        // One slice per partition: parallelize keeps the list's order and cuts it evenly.
        List<Scored> scored = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(slices, slices.size())
                .mapPartitions(new SliceScorer(classifier))
                .collect();
        float[][] logits = new float[examples.size()][];
        for (Scored slice : scored) {
            System.arraycopy(slice.logits(), 0, logits, slice.start(), slice.logits().length);
        }
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] == null) {
                throw new IllegalStateException("no prediction came back for example " + i);
            }
        }
        return new GlueJobResult(GlueEvaluator.scores(classifier.task(), logits, examples), logits, examples.size(),
                slices.size(), (System.nanoTime() - started) / 1e9);
    }

    /** Contiguous examples from index {@code start}, whole batches. */
    record Slice(int start, List<GlueExample> examples) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The logits of a slice's examples. */
    record Scored(int start, float[][] logits) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Scores the slices of one partition with this executor's classifier. */
    static final class SliceScorer implements FlatMapFunction<Iterator<Slice>, Scored> {
        private static final long serialVersionUID = 1L;

        private final ClassifierSpec spec;

        SliceScorer(ClassifierSpec spec) {
            this.spec = spec;
        }

        @Override
        public Iterator<Scored> call(Iterator<Slice> slices) throws Exception {
            if (!slices.hasNext()) {
                return Collections.emptyIterator();
            }
            LoadedClassifier classifier = ExecutorEncoders.forTask(spec);
            List<Scored> out = new ArrayList<>();
            while (slices.hasNext()) {
                Slice slice = slices.next();
                out.add(new Scored(slice.start(), classifier.logits(slice.examples())));
            }
            return out.iterator();
        }
    }

    /** Builds a {@link GlueJob}. */
    public static final class Builder {
        private List<GlueExample> examples;
        private ClassifierSpec classifier;
        private Integer partitions;

        Builder() {}

        /**
         * Sets the labelled examples to score (required), for example a dev split from {@link
         * ai.spikelm.zoo.eval.glue.GlueReader}, possibly a {@link ai.spikelm.zoo.eval.glue.GlueSubset}.
         *
         * @param examples at least one example, each with its gold value
         * @return this builder
         */
        public Builder setExamples(List<GlueExample> examples) {
            this.examples = examples;
            return this;
        }

        /**
         * Sets the classifier (required).
         *
         * @param classifier the classifier spec
         * @return this builder
         */
        public Builder setClassifier(ClassifierSpec classifier) {
            this.classifier = Objects.requireNonNull(classifier, "classifier");
            return this;
        }

        /**
         * Sets how many partitions the examples are spread over (default: the default
         * parallelism), at most one per batch.
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
         * @throws IllegalArgumentException if there are no examples, one has no gold value, the
         *     classifier is missing, or the partition count is below 1
         */
        public GlueJob build() {
            if (examples == null || examples.isEmpty()) {
                throw new IllegalArgumentException("setExamples(...) needs at least one GLUE example");
            }
            if (classifier == null) {
                throw new IllegalArgumentException("setClassifier(...) is required");
            }
            if (partitions != null && partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
            }
            for (GlueExample e : examples) {
                if (!e.isLabelled()) {
                    throw new IllegalArgumentException("example " + e.guid() + " has no gold value: score a labelled (dev) split");
                }
            }
            return new GlueJob(this);
        }
    }
}
