package ai.spikelm.zoo.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small part of a run's state that is not tensors, kept as {@code trainer_state.json} beside
 * the model and the optimizer moments in {@code <out>/last}:
 *
 * <pre>
 * {
 *   "format": "spikelm-trainer-state", "version": 1,
 *   "seed": 42,                  the run's seed (data order, masking and dropout derive from it)
 *   "epochs_completed": 3,       the next epoch to run
 *   "planned_epochs": 10,
 *   "optimizer_steps": 300,      the schedule position
 *   "micro_steps": 600,          micro-batches done (seeds masking and dropout)
 *   "gradient_accumulation": 2,
 *   "best_epoch": 1, "best_value": 0.84, "minimize": false,
 *   "epoch_in_progress": {...}   only when the run was stopped inside an epoch: batches done, steps,
 *                                loss sum, examples and seconds so far
 *   "history": [ {"epoch": 0, "train_loss": ..., "selection_value": ..., "best": true, "steps": ...,
 *                 "examples": ..., "seconds": ..., "main_metric": "accuracy", "metrics": {...}}, ... ]
 * }
 * </pre>
 */
final class TrainerState {

    static final String FILE = "trainer_state.json";
    private static final String FORMAT = "spikelm-trainer-state";
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    long seed;
    int epochsCompleted;
    int plannedEpochs;
    long optimizerSteps;
    long microSteps;
    int gradientAccumulation;
    int bestEpoch = -1;
    double bestValue = Double.NaN;
    boolean minimize;
    /** The epoch in progress when a run was stopped between steps (all zero at an epoch boundary). */
    int batchesInEpoch;
    int stepsInEpoch;
    double lossInEpoch;
    long examplesInEpoch;
    double secondsInEpoch;
    final List<EpochResult> history = new ArrayList<>();

    void write(Path file) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("version", VERSION);
        o.put("seed", seed);
        o.put("epochs_completed", epochsCompleted);
        o.put("planned_epochs", plannedEpochs);
        o.put("optimizer_steps", optimizerSteps);
        o.put("micro_steps", microSteps);
        o.put("gradient_accumulation", gradientAccumulation);
        o.put("best_epoch", bestEpoch);
        putDouble(o, "best_value", bestValue);
        o.put("minimize", minimize);
        if (batchesInEpoch > 0) {
            ObjectNode p = o.putObject("epoch_in_progress");
            p.put("batches_done", batchesInEpoch);
            p.put("steps", stepsInEpoch);
            p.put("loss_sum", lossInEpoch);
            p.put("examples", examplesInEpoch);
            p.put("seconds", secondsInEpoch);
        }
        ArrayNode epochs = o.putArray("history");
        for (EpochResult r : history) {
            ObjectNode e = epochs.addObject();
            e.put("epoch", r.epoch());
            putDouble(e, "train_loss", r.trainLoss());
            putDouble(e, "selection_value", r.selectionValue());
            e.put("best", r.best());
            e.put("steps", r.steps());
            e.put("examples", r.examples());
            e.put("seconds", r.seconds());
            if (r.evaluation() != null) {
                e.put("main_metric", r.evaluation().mainMetric());
                ObjectNode metrics = e.putObject("metrics");
                r.evaluation().metrics().forEach((k, v) -> putDouble(metrics, k, v));
            }
        }
        // Written through a temporary file so a crash never leaves half a state file.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, JSON.writeValueAsString(o), StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** JSON has no NaN; an undefined value is written as null. */
    private static void putDouble(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    private static double getDouble(JsonNode o, String key) {
        JsonNode n = o.get(key);
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }

    static TrainerState read(Path file) throws IOException {
        JsonNode o = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        if (!FORMAT.equals(o.path("format").asText()) || o.path("version").asInt() != VERSION) {
            throw new IOException(file + " is not a version " + VERSION + " " + FORMAT + " file");
        }
        TrainerState s = new TrainerState();
        s.seed = required(o, "seed", file).asLong();
        s.epochsCompleted = required(o, "epochs_completed", file).asInt();
        s.plannedEpochs = required(o, "planned_epochs", file).asInt();
        s.optimizerSteps = required(o, "optimizer_steps", file).asLong();
        s.microSteps = required(o, "micro_steps", file).asLong();
        s.gradientAccumulation = required(o, "gradient_accumulation", file).asInt();
        s.bestEpoch = required(o, "best_epoch", file).asInt();
        s.bestValue = getDouble(o, "best_value");
        s.minimize = o.path("minimize").asBoolean();
        JsonNode p = o.path("epoch_in_progress");
        if (p.isObject()) {
            s.batchesInEpoch = required(p, "batches_done", file).asInt();
            s.stepsInEpoch = required(p, "steps", file).asInt();
            s.lossInEpoch = required(p, "loss_sum", file).asDouble();
            s.examplesInEpoch = required(p, "examples", file).asLong();
            s.secondsInEpoch = required(p, "seconds", file).asDouble();
        }
        for (JsonNode e : o.path("history")) {
            EvaluationResult evaluation = null;
            if (e.has("metrics")) {
                Map<String, Double> metrics = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = e.get("metrics").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> m = it.next();
                    metrics.put(m.getKey(), m.getValue().isNull() ? Double.NaN : m.getValue().asDouble());
                }
                evaluation = new EvaluationResult(e.path("main_metric").asText(), metrics);
            }
            s.history.add(
                    new EpochResult(
                            e.path("epoch").asInt(),
                            getDouble(e, "train_loss"),
                            evaluation,
                            getDouble(e, "selection_value"),
                            e.path("best").asBoolean(),
                            e.path("steps").asLong(),
                            e.path("examples").asLong(),
                            e.path("seconds").asDouble()));
        }
        return s;
    }

    private static JsonNode required(JsonNode o, String key, Path file) throws IOException {
        JsonNode n = o.get(key);
        if (n == null || !n.isNumber()) {
            throw new IOException(file + ": missing or non-numeric '" + key + "'");
        }
        return n;
    }
}
