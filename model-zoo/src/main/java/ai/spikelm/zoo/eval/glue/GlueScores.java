package ai.spikelm.zoo.eval.glue;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The scores of one task's predictions on one labelled split: every metric in
 * {@link GlueTask#metrics()}, with {@link #main()} the one the paper reports.
 *
 * @param task the task
 * @param values each metric's value, as a fraction
 */
public record GlueScores(GlueTask task, Map<GlueMetric, Double> values) {

    /**
     * Checks that exactly the task's metrics are present and freezes the map.
     *
     * @param task the task
     * @param values each of the task's metrics with its value
     * @throws IllegalArgumentException if the metrics differ from the task's
     */
    public GlueScores {
        if (!values.keySet().equals(Set.copyOf(task.metrics()))) {
            throw new IllegalArgumentException(task + " reports " + task.metrics() + ", got " + values.keySet());
        }
        values = Collections.unmodifiableMap(new EnumMap<>(values));
    }

    /**
     * Scores classifier output.
     *
     * @param task a classification task
     * @param predicted predicted label indices
     * @param gold gold label indices, for example {@link GlueSplitData#labels()}
     * @return the task's metrics
     * @throws IllegalArgumentException for STS-B, or on arrays {@link GlueMetrics} rejects
     */
    public static GlueScores ofClassification(GlueTask task, int[] predicted, int[] gold) {
        if (task.isRegression()) {
            throw new IllegalArgumentException(task + " is scored with ofRegression");
        }
        Map<GlueMetric, Double> values = new EnumMap<>(GlueMetric.class);
        for (GlueMetric metric : task.metrics()) {
            values.put(metric, classificationMetric(metric, predicted, gold));
        }
        return new GlueScores(task, values);
    }

    /**
     * Scores regression output (STS-B).
     *
     * @param task a regression task
     * @param predicted predicted scores
     * @param gold gold scores, for example {@link GlueSplitData#scores()}
     * @return the task's metrics
     * @throws IllegalArgumentException for a classification task, or on arrays {@link GlueMetrics} rejects
     */
    public static GlueScores ofRegression(GlueTask task, double[] predicted, double[] gold) {
        if (!task.isRegression()) {
            throw new IllegalArgumentException(task + " is scored with ofClassification");
        }
        Map<GlueMetric, Double> values = new EnumMap<>(GlueMetric.class);
        for (GlueMetric metric : task.metrics()) {
            values.put(metric, regressionMetric(metric, predicted, gold));
        }
        return new GlueScores(task, values);
    }

    private static double classificationMetric(GlueMetric metric, int[] predicted, int[] gold) {
        return switch (metric) {
            case ACCURACY -> GlueMetrics.accuracy(predicted, gold);
            case F1 -> GlueMetrics.f1(predicted, gold);
            case MATTHEWS -> GlueMetrics.matthews(predicted, gold);
            case PEARSON, SPEARMAN -> throw new IllegalArgumentException(metric + " needs scores");
        };
    }

    private static double regressionMetric(GlueMetric metric, double[] predicted, double[] gold) {
        return switch (metric) {
            case PEARSON -> GlueMetrics.pearson(predicted, gold);
            case SPEARMAN -> GlueMetrics.spearman(predicted, gold);
            case ACCURACY, F1, MATTHEWS -> throw new IllegalArgumentException(metric + " needs labels");
        };
    }

    /**
     * Returns one metric.
     *
     * @param metric a metric of this task
     * @return its value
     * @throws IllegalArgumentException if the task does not report that metric
     */
    public double get(GlueMetric metric) {
        Double value = values.get(metric);
        if (value == null) {
            throw new IllegalArgumentException(task + " does not report " + metric);
        }
        return value;
    }

    /**
     * Returns the task's main metric, the number in the paper's table (as a fraction).
     *
     * @return the value of {@link GlueTask#mainMetric()}
     */
    public double main() {
        return get(task.mainMetric());
    }

    /**
     * Formats the scores as percentages, main metric first, for example
     * {@code MRPC accuracy=85.60 f1=89.80}.
     *
     * @return a one-line summary
     */
    @Override
    public String toString() {
        StringJoiner line = new StringJoiner(" ", task + " ", "");
        for (GlueMetric metric : task.metrics()) {
            line.add(String.format(Locale.ROOT, "%s=%.2f", metric.key(), 100 * values.get(metric)));
        }
        return line.toString();
    }
}
