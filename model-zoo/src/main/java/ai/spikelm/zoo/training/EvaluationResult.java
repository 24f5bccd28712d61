package ai.spikelm.zoo.training;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The metrics of one evaluation, one of which selects the best epoch.
 *
 * @param mainMetric the name of the metric that selects the best epoch
 * @param metrics every metric by name, the main one included
 */
public record EvaluationResult(String mainMetric, Map<String, Double> metrics) {

    /**
     * Checks the main metric is present.
     *
     * @param mainMetric the main metric's name
     * @param metrics the metrics
     * @throws IllegalArgumentException if the main metric is missing
     */
    public EvaluationResult {
        Objects.requireNonNull(mainMetric, "mainMetric");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        if (!metrics.containsKey(mainMetric)) {
            throw new IllegalArgumentException("Metrics " + metrics.keySet() + " lack the main metric " + mainMetric);
        }
    }

    /**
     * A result with a single metric.
     *
     * @param name the metric's name
     * @param value its value
     * @return the result
     */
    public static EvaluationResult of(String name, double value) {
        return new EvaluationResult(name, Map.of(name, value));
    }

    /**
     * Returns the value of the main metric.
     *
     * @return the value that selects the best epoch
     */
    public double mainValue() {
        return metrics.get(mainMetric);
    }
}
