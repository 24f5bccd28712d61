package ai.spikelm.examples.glue;

import ai.spikelm.zoo.eval.glue.GlueMetric;
import ai.spikelm.zoo.eval.glue.GlueTask;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one {@code spikelm glue} run measured, as written by {@code --json} (snake_case keys) and
 * read back by {@code spikelm glue-report}.
 *
 * @param task the task's enum name, for example {@code STSB}
 * @param model the model the run started from
 * @param spiking the spiking settings, or {@code ANN}
 * @param timeSteps T (1 for an ANN)
 * @param distilledFrom the teacher, or {@code null}
 * @param trained whether the run fine-tuned
 * @param epochs epochs of fine-tuning (0 without)
 * @param trainSubset the seeded train subset size asked for, or {@code null} for all
 * @param trainExamples the examples actually trained on (a subset larger than the split is the
 *     whole split), or {@code null} without training or in results from before this field
 * @param devSubset the seeded dev subset size, or {@code null} for all
 * @param trainFromDev dev examples trained on when the task has no train split, or {@code null}
 * @param seed the seed
 * @param batchSize the batch size
 * @param learningRate the constant learning rate
 * @param maxLength tokens per example
 * @param metrics per dev split, metric name ({@link GlueMetric} constant) to value in [0, 1]
 * @param bestEpoch the selected epoch, or {@code null} without training
 * @param bestMainMetric its main metric, or {@code null} without training
 * @param firingRate the measured firing rate, or {@code null} for an ANN
 * @param annMjPerSequence the ANN's energy per dev sequence in mJ
 * @param modelMjPerSequence this model's energy per dev sequence in mJ
 * @param seconds wall time of the run
 * @param encoderFrom the model whose encoder replaced the starting model's (for example a {@code
 *     spikelm distill} output under a fine-tuned ANN's head), or {@code null}
 * @param pooling what the head read ({@code cls} or {@code mean}), or {@code null} in results
 *     from before this field (then {@code cls})
 * @param pairs how the model read sentence pairs ({@code cross} or {@code siamese}), or {@code
 *     null} in results from before this field (then {@code cross})
 * @param encoderLearningRate the encoder's learning rate when it differed from the head's (0:
 *     frozen), or {@code null}
 * @param distillationWeights the weights of the distillation terms ({@code hidden}, {@code
 *     logits}, {@code task}) with a teacher, or {@code null}
 */
public record GlueRunResult(
        String task,
        String model,
        String spiking,
        int timeSteps,
        String distilledFrom,
        boolean trained,
        int epochs,
        Integer trainSubset,
        Integer trainExamples,
        Integer devSubset,
        Integer trainFromDev,
        long seed,
        int batchSize,
        double learningRate,
        int maxLength,
        Map<String, Map<String, Double>> metrics,
        Integer bestEpoch,
        Double bestMainMetric,
        Double firingRate,
        double annMjPerSequence,
        double modelMjPerSequence,
        double seconds,
        String encoderFrom,
        String pooling,
        String pairs,
        Double encoderLearningRate,
        Map<String, Double> distillationWeights) {

    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Creates a result, copying the metrics and keeping their split and metric order.
     *
     * @param task the task's enum name
     * @param model the model the run started from
     * @param spiking the spiking settings, or {@code ANN}
     * @param timeSteps T (1 for an ANN)
     * @param distilledFrom the teacher, or {@code null}
     * @param trained whether the run fine-tuned
     * @param epochs epochs of fine-tuning (0 without)
     * @param trainSubset the train subset size asked for, or {@code null} for all
     * @param trainExamples the examples trained on, or {@code null}
     * @param devSubset the dev subset size, or {@code null} for all
     * @param trainFromDev dev examples trained on, or {@code null}
     * @param seed the seed
     * @param batchSize the batch size
     * @param learningRate the learning rate
     * @param maxLength tokens per example
     * @param metrics per dev split, metric name to value
     * @param bestEpoch the selected epoch, or {@code null}
     * @param bestMainMetric its main metric, or {@code null}
     * @param firingRate the firing rate, or {@code null} for an ANN
     * @param annMjPerSequence the ANN's energy per dev sequence in mJ
     * @param modelMjPerSequence this model's energy per dev sequence in mJ
     * @param seconds wall time of the run
     * @param encoderFrom the model whose encoder replaced the starting model's, or {@code null}
     * @param pooling what the head read, or {@code null}
     * @param pairs how the model read sentence pairs, or {@code null}
     * @param encoderLearningRate the encoder's own learning rate, or {@code null}
     * @param distillationWeights the distillation terms' weights, or {@code null}
     */
    public GlueRunResult {
        Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
        metrics.forEach((split, values) -> copy.put(split, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values))));
        metrics = java.util.Collections.unmodifiableMap(copy);
        distillationWeights = distillationWeights == null
                ? null
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(distillationWeights));
    }

    /**
     * Creates a result of BERT's head ([CLS], pairs as one sequence) trained at one learning rate,
     * as results were before the head options.
     *
     * @param task the task's enum name
     * @param model the model the run started from
     * @param spiking the spiking settings, or {@code ANN}
     * @param timeSteps T (1 for an ANN)
     * @param distilledFrom the teacher, or {@code null}
     * @param trained whether the run fine-tuned
     * @param epochs epochs of fine-tuning (0 without)
     * @param trainSubset the train subset size asked for, or {@code null} for all
     * @param trainExamples the examples trained on, or {@code null}
     * @param devSubset the dev subset size, or {@code null} for all
     * @param trainFromDev dev examples trained on, or {@code null}
     * @param seed the seed
     * @param batchSize the batch size
     * @param learningRate the learning rate
     * @param maxLength tokens per example
     * @param metrics per dev split, metric name to value
     * @param bestEpoch the selected epoch, or {@code null}
     * @param bestMainMetric its main metric, or {@code null}
     * @param firingRate the firing rate, or {@code null} for an ANN
     * @param annMjPerSequence the ANN's energy per dev sequence in mJ
     * @param modelMjPerSequence this model's energy per dev sequence in mJ
     * @param seconds wall time of the run
     * @param encoderFrom the model whose encoder replaced the starting model's, or {@code null}
     */
    public GlueRunResult(
            String task, String model, String spiking, int timeSteps, String distilledFrom, boolean trained, int epochs,
            Integer trainSubset, Integer trainExamples, Integer devSubset, Integer trainFromDev, long seed, int batchSize,
            double learningRate, int maxLength, Map<String, Map<String, Double>> metrics, Integer bestEpoch,
            Double bestMainMetric, Double firingRate, double annMjPerSequence, double modelMjPerSequence, double seconds,
            String encoderFrom) {
        this(task, model, spiking, timeSteps, distilledFrom, trained, epochs, trainSubset, trainExamples, devSubset,
                trainFromDev, seed, batchSize, learningRate, maxLength, metrics, bestEpoch, bestMainMetric, firingRate,
                annMjPerSequence, modelMjPerSequence, seconds, encoderFrom, null, null, null, null);
    }

    /**
     * Returns the task.
     *
     * @return the GLUE task
     * @throws IllegalArgumentException if the name is not a GLUE task
     */
    public GlueTask glueTask() {
        return GlueTask.fromName(task);
    }

    /**
     * Returns whether the model was a plain ANN.
     *
     * @return true without spikes
     */
    public boolean isAnn() {
        return firingRate == null || firingRate.isNaN(); // early results wrote NaN for "no spikes"
    }

    /**
     * Returns the model as a table names it: {@code ANN}, {@code SpikeLM T = 4}, {@code SpikeLM T
     * = 4 + KD}.
     *
     * @return the label
     */
    public String variant() {
        if (isAnn()) {
            return (distilledFrom == null ? "ANN" : "ANN + KD") + headLabel();
        }
        return "SpikeLM T = " + timeSteps + (encoderFrom == null ? "" : ", distilled encoder")
                + (distilledFrom == null ? "" : " + KD") + headLabel();
    }

    /** The head in a table label: nothing for BERT's, " (bi-encoder)" or " (mean-pooled)". */
    private String headLabel() {
        if ("siamese".equals(pairs)) {
            return " (bi-encoder)";
        }
        return "mean".equals(pooling) ? " (mean-pooled)" : "";
    }

    /**
     * Writes this result as JSON.
     *
     * @param file the file
     * @throws IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(this));
    }

    /**
     * Reads a result written by {@link #write}.
     *
     * @param file the file
     * @return the result
     * @throws IOException if it cannot be read or is not a GLUE result
     */
    public static GlueRunResult read(Path file) throws IOException {
        try {
            GlueRunResult r = JSON.readValue(file.toFile(), GlueRunResult.class);
            if (r.task() == null || r.metrics() == null) {
                throw new IOException("not a spikelm glue result (no task or metrics)");
            }
            r.glueTask();
            return r;
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
