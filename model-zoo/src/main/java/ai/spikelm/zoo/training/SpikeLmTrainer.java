package ai.spikelm.zoo.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.spikelm.ops.ScalarOps;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.Gradients;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.weights.CheckpointReader;
import ai.spikelm.zoo.weights.SafetensorsCheckpoint;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Trains a SpikeLM model of any family ({@link TrainableModel}): epochs of batches from a {@link BatchSource}, an {@link Objective},
 * {@link AdamW} with gradient accumulation, SpikeLM amplitude calibration, per-epoch evaluation,
 * best-epoch selection, Hugging Face checkpoints and exact resumption.
 *
 * <pre>{@code
 * try (AdamW adamW = AdamW.builder().setModel(model).setLearningRate(WarmupLinearSchedule.constant(2e-5f)).build();
 *      SpikeLmTrainer<SpikeBertForSequenceClassification> trainer = SpikeLmTrainer.builder()
 *              .setModel(model)
 *              .setObjective(new TaskObjective())
 *              .setTrainData(BatchSource.shuffled(examples, 32, collate))
 *              .setOptimizer(adamW)
 *              .setEpochs(10)
 *              .optEvaluator((m, epoch) -> EvaluationResult.of("accuracy", accuracy(Predictions.logits(m, dev))))
 *              .optOutputDir(out)
 *              .addListener(progress)
 *              .build()) {
 *     trainer.resume();                       // continues from out/last if it exists
 *     TrainingSummary summary = trainer.fit();
 * }
 * }</pre>
 *
 * <p><b>Steps.</b> Each optimizer step takes up to k micro-batches (gradient accumulation): each
 * runs forward and backward in its own sub-manager, with its loss divided by the number of
 * micro-batches in the step, so k equal micro-batches give the update of one k-times larger batch.
 * An epoch's last step may take fewer. Nothing outlives its micro-batch: the model's parameters
 * are lent to the micro-batch's manager (see {@link ParameterScope}) and return when it closes.
 *
 * <p><b>Calibration.</b> Before the first step, if any spiking site is uncalibrated, one forward
 * pass in inference mode on the first batch sets every α, over its real (unpadded) tokens only
 * ({@link Calibration}); that batch is then trained on like any
 * other, and the calibration pass itself trains nothing. Afterwards α stays frozen or, with {@code
 * spikelm.alpha_learnable}, learns through its LSQ gradient like any other parameter (AdamW
 * exempts it from weight decay).
 *
 * <p><b>Determinism.</b> The data order of epoch e uses a {@link Random} seeded from (seed, e); the
 * objective's random source (masking) and the engine's seed (dropout) are set from (seed, micro-
 * batch number) before every micro-batch. So the same seed gives the same losses on CPU, and a run
 * resumed from {@code last} continues exactly as an uninterrupted one would.
 *
 * <p><b>Checkpoints.</b> With an output directory, after every epoch {@code <out>/last} holds the
 * model in Hugging Face layout ({@link ai.spikelm.zoo.bert.SpikeBertLoader#save}), {@code optimizer.safetensors} (the
 * AdamW moments and update count) and {@code trainer_state.json} (seed, epoch, steps, best epoch
 * and history); {@code <out>/best} holds the model of the best epoch and its {@code
 * eval_results.json}. Each is written beside the old one and then swapped in. The best epoch has
 * the highest main metric (or lowest, with {@code optMinimizeMetric(true)}), or the lowest
 * training loss without an evaluator; ties keep the earlier epoch.
 *
 * <p>One trainer trains one model at a time on one thread (DJL allows one gradient collector at a
 * time). Closing the trainer frees its own arrays; the model and the optimizer belong to the
 * caller.
 */
public final class SpikeLmTrainer<M extends TrainableModel> implements AutoCloseable {

    /** The directory of the best epoch's model under the output directory. */
    public static final String BEST_DIR = "best";

    /** The directory of the latest model and resumable state under the output directory. */
    public static final String LAST_DIR = "last";

    /** The evaluation written beside the best model. */
    public static final String EVAL_RESULTS_FILE = "eval_results.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final M model;
    private final Objective<? super M> objective;
    private final BatchSource trainData;
    private final AdamW optimizer;
    private final int epochs;
    private final int accumulation;
    private final Evaluator<? super M> evaluator;
    private final boolean minimize;
    private final Path outputDir;
    private final boolean calibrate;
    private final List<TrainingListener> listeners;
    private final Map<String, Path> checkpointFiles;
    private final List<NDArray> parameters;
    private final NDManager manager;
    private final TrainerState state = new TrainerState();
    private boolean announced;
    private volatile boolean stopRequested;

    private SpikeLmTrainer(Builder<M> b) {
        this.model = b.model;
        this.objective = b.objective;
        this.trainData = b.trainData;
        this.optimizer = b.optimizer;
        this.epochs = b.epochs;
        this.accumulation = b.accumulation;
        this.evaluator = b.evaluator;
        this.minimize = b.minimize;
        this.outputDir = b.outputDir;
        this.calibrate = b.calibrate;
        this.listeners = List.copyOf(b.listeners);
        this.checkpointFiles = Map.copyOf(b.checkpointFiles);
        // Loaded models come out of autograd (ModelFamilies): put back the parameters that train.
        Gradients.attachTrainable(model);
        this.parameters = ParameterScope.arrays(model);
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("The model is not initialized: call model.initialize(manager) first");
        }
        requireSameModel(model, optimizer);
        this.manager = NDManager.newBaseManager(parameters.get(0).getDevice());
        state.seed = b.seed;
        state.plannedEpochs = epochs;
        state.gradientAccumulation = accumulation;
        state.minimize = minimize;
        state.optimizerSteps = optimizer.getStepCount();
    }

    private static void requireSameModel(TrainableModel model, AdamW optimizer) {
        Set<Parameter> own = Collections.newSetFromMap(new IdentityHashMap<>());
        own.addAll(HfWeights.parameters(model).values());
        for (Map.Entry<String, Parameter> e : optimizer.getParameters().entrySet()) {
            if (!own.contains(e.getValue())) {
                throw new IllegalArgumentException(
                        "The optimizer updates '" + e.getKey() + "', which is not a parameter of this model");
            }
        }
    }

    /**
     * Continues from {@code <out>/last} if a previous run left one: loads the model's weights and
     * calibration, the optimizer's moments and update count, the seed, the epoch and the history.
     * Call it before training.
     *
     * @return true if a checkpoint was found and loaded, false for a fresh start
     * @throws IOException if the checkpoint cannot be read
     * @throws IllegalStateException if training has started, there is no output directory, or the
     *     checkpoint was made with another gradient accumulation
     */
    public boolean resume() throws IOException {
        if (outputDir == null) {
            throw new IllegalStateException("resume() needs optOutputDir(...)");
        }
        if (announced) {
            throw new IllegalStateException("resume() must come before training");
        }
        Path dir = locateLast();
        if (dir == null) {
            return false;
        }
        TrainerState saved = TrainerState.read(dir.resolve(TrainerState.FILE));
        if (saved.gradientAccumulation != accumulation) {
            throw new IllegalStateException(
                    dir + " was trained with gradient accumulation " + saved.gradientAccumulation
                            + ", this trainer uses " + accumulation);
        }
        try (CheckpointReader checkpoint = SafetensorsCheckpoint.open(dir)) {
            model.loadWeights(checkpoint.tensors());
        }
        optimizer.load(dir.resolve(AdamW.STATE_FILE));
        if (optimizer.getStepCount() != saved.optimizerSteps) {
            throw new IOException(
                    dir + ": optimizer state has " + optimizer.getStepCount() + " updates, trainer state "
                            + saved.optimizerSteps);
        }
        state.seed = saved.seed;
        state.epochsCompleted = saved.epochsCompleted;
        state.batchesInEpoch = saved.batchesInEpoch;
        state.stepsInEpoch = saved.stepsInEpoch;
        state.lossInEpoch = saved.lossInEpoch;
        state.examplesInEpoch = saved.examplesInEpoch;
        state.secondsInEpoch = saved.secondsInEpoch;
        state.optimizerSteps = saved.optimizerSteps;
        state.microSteps = saved.microSteps;
        state.bestEpoch = saved.bestEpoch;
        state.bestValue = saved.bestValue;
        state.history.clear();
        state.history.addAll(saved.history);
        return true;
    }

    /** The newest complete {@code last}: the directory itself, or what an interrupted swap left. */
    private Path locateLast() {
        for (String name : List.of(LAST_DIR, LAST_DIR + ".tmp", LAST_DIR + ".old")) {
            Path dir = outputDir.resolve(name);
            // The state file is written last, so its presence marks a complete checkpoint.
            if (Files.isRegularFile(dir.resolve(TrainerState.FILE))) {
                return dir;
            }
        }
        return null;
    }

    /**
     * Runs the remaining epochs.
     *
     * @return the best epoch and the history
     * @throws IOException if a checkpoint cannot be written
     */
    public TrainingSummary fit() throws IOException {
        announce();
        while (!isFinished() && runEpoch() != null) {
            // each epoch evaluates and checkpoints itself; a stop request ends the loop
        }
        TrainingSummary summary = summary();
        listeners.forEach(l -> l.onTrainingEnd(summary));
        return summary;
    }

    /**
     * Asks the run to stop at the next step boundary: the step in progress finishes, {@code
     * <out>/last} is written with the position inside the epoch, and {@link #fit()} or {@link
     * #runEpoch()} returns. {@link #resume()} later continues exactly where it stopped. Safe to call
     * from any thread (a timer, a shutdown hook); calls after the first do nothing.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Returns whether {@link #requestStop()} was called.
     *
     * @return true once a stop was requested
     */
    public boolean isStopRequested() {
        return stopRequested;
    }

    /**
     * Loads the best epoch's weights (from {@code <out>/best}) into the model, so that what is
     * evaluated or served next is the checkpoint the selection chose, not the last epoch's. Does
     * nothing when the last epoch is the best.
     *
     * @return the best epoch, whose weights the model now holds
     * @throws IllegalStateException if the trainer has no output directory or no epoch has run
     * @throws IOException if the checkpoint cannot be read
     */
    public int restoreBest() throws IOException {
        if (outputDir == null || state.bestEpoch < 0) {
            throw new IllegalStateException("restoreBest needs an output directory and at least one finished epoch");
        }
        if (state.bestEpoch != state.epochsCompleted - 1) {
            try (CheckpointReader checkpoint = SafetensorsCheckpoint.open(outputDir.resolve(BEST_DIR))) {
                model.loadWeights(checkpoint.tensors());
            }
        }
        return state.bestEpoch;
    }

    /**
     * Runs the next epoch (or the rest of one a stopped run left): its steps, the evaluation,
     * best-epoch selection and checkpoints.
     *
     * @return what the epoch did, or {@code null} if {@link #requestStop()} ended it early (then
     *     {@code <out>/last} holds the position inside the epoch)
     * @throws IOException if a checkpoint cannot be written
     * @throws IllegalStateException if every planned epoch is done or the epoch has no batches
     */
    public EpochResult runEpoch() throws IOException {
        if (isFinished()) {
            throw new IllegalStateException("All " + epochs + " epochs are done");
        }
        announce();
        int epoch = state.epochsCompleted;
        Random order = new Random(Seeds.mix(state.seed, Seeds.DATA, epoch));
        Iterator<TrainingBatch> batches = trainData.epoch(epoch, order).iterator();
        for (int i = 0; i < state.batchesInEpoch; i++) {
            if (!batches.hasNext()) {
                throw new IllegalStateException(
                        "Epoch " + epoch + " has fewer batches than the " + state.batchesInEpoch + " the checkpoint already trained on");
            }
            batches.next(); // trained on before the run was stopped
        }
        if (!batches.hasNext()) {
            throw new IllegalStateException("Epoch " + epoch + " has no batches");
        }
        List<TrainingBatch> group = new ArrayList<>(accumulation);
        while (batches.hasNext()) {
            if (stopRequested) {
                if (outputDir != null) {
                    saveLast();
                }
                return null;
            }
            group.clear();
            while (group.size() < accumulation && batches.hasNext()) {
                group.add(batches.next());
            }
            if (calibrate) {
                calibrateIfNeeded(group.get(0));
            }
            state.batchesInEpoch += group.size();
            TrainingListener.StepEvent event = step(epoch, state.batchesInEpoch, group);
            state.lossInEpoch += event.loss();
            state.stepsInEpoch++;
            state.examplesInEpoch += event.examples();
            state.secondsInEpoch += event.seconds();
            listeners.forEach(l -> l.onStep(event));
        }
        EpochResult result = endEpoch(
                epoch, state.lossInEpoch / state.stepsInEpoch, state.examplesInEpoch, state.secondsInEpoch);
        return result;
    }

    private EpochResult endEpoch(int epoch, double trainLoss, long examples, double seconds) throws IOException {
        EvaluationResult evaluation = evaluator == null ? null : evaluator.evaluate(model, epoch);
        double value = evaluation == null ? trainLoss : evaluation.mainValue();
        boolean lowerIsBetter = evaluation == null || minimize;
        boolean best =
                state.bestEpoch < 0
                        || (!Double.isNaN(value)
                                && (Double.isNaN(state.bestValue)
                                        || (lowerIsBetter ? value < state.bestValue : value > state.bestValue)));
        EpochResult result =
                new EpochResult(epoch, trainLoss, evaluation, value, best, optimizer.getStepCount(), examples, seconds);
        state.epochsCompleted = epoch + 1;
        state.optimizerSteps = optimizer.getStepCount();
        state.batchesInEpoch = 0;
        state.stepsInEpoch = 0;
        state.lossInEpoch = 0;
        state.examplesInEpoch = 0;
        state.secondsInEpoch = 0;
        state.history.add(result);
        if (best) {
            state.bestEpoch = epoch;
            state.bestValue = value;
        }
        if (outputDir != null) {
            if (best) {
                saveBest(result);
            }
            saveLast();
        }
        listeners.forEach(l -> l.onEpochEnd(result));
        return result;
    }

    private TrainingListener.StepEvent step(int epoch, int batchesDone, List<TrainingBatch> group) {
        long start = System.nanoTime();
        double lossSum = 0;
        Map<String, Float> components = new LinkedHashMap<>();
        int examples = 0;
        long tokens = 0;
        try {
            for (TrainingBatch batch : group) {
                lossSum += microStep(batch, group.size(), components);
                examples += batch.size();
                tokens += batch.inputs().realTokens();
            }
        } catch (RuntimeException e) {
            optimizer.zeroGradients(); // a half-accumulated step must not leak into the next
            throw e;
        }
        AdamW.StepResult update = optimizer.step();
        state.optimizerSteps = optimizer.getStepCount();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TrainingListener.StepEvent(
                epoch,
                batchesDone,
                optimizer.getStepCount(),
                (float) (lossSum / group.size()),
                Collections.unmodifiableMap(components),
                update.learningRate(),
                update.gradientNorm(),
                examples,
                tokens,
                seconds);
    }

    /** Forward and backward of one micro-batch in its own manager; returns its (unscaled) loss. */
    private float microStep(TrainingBatch batch, int groupSize, Map<String, Float> components) {
        long index = state.microSteps;
        try (NDManager micro = manager.newSubManager()) {
            ParameterScope.lend(parameters, micro);
            Engine engine = micro.getEngine();
            engine.setRandomSeed(Seeds.engine(state.seed, index));
            StepContext context = new StepContext(micro, new Random(Seeds.mix(state.seed, Seeds.OBJECTIVE, index)));
            float value;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray loss = objective.loss(model, batch, context);
                if (loss.size() != 1) {
                    throw new IllegalStateException("The objective must return a scalar, got " + loss.getShape());
                }
                collector.backward(ScalarOps.div(loss, (float) groupSize));
                value = loss.getFloat();
            }
            context.reported().forEach((name, v) -> components.merge(name, v / groupSize, Float::sum));
            state.microSteps++;
            return value;
        }
    }

    private void calibrateIfNeeded(TrainingBatch first) {
        // Inference mode over the batch's real tokens only: padding does not move α, and the
        // calibration pass trains nothing.
        int sites = Calibration.calibrate(model, first.inputs()).size();
        if (sites > 0) {
            listeners.forEach(l -> l.onCalibrated(sites));
        }
    }

    private void announce() {
        if (announced) {
            return;
        }
        announced = true;
        int batches = trainData.batchesPerEpoch();
        int steps = batches < 0 ? -1 : (batches + accumulation - 1) / accumulation;
        TrainingListener.Plan plan =
                new TrainingListener.Plan(
                        state.epochsCompleted, epochs, batches, accumulation, steps, optimizer.getStepCount());
        listeners.forEach(l -> l.onTrainingStart(plan));
    }

    private void saveBest(EpochResult result) throws IOException {
        Path tmp = fresh(BEST_DIR + ".tmp");
        save(tmp);
        ObjectNode o = JSON.createObjectNode();
        o.put("epoch", result.epoch());
        o.put("train_loss", result.trainLoss());
        if (result.evaluation() != null) {
            o.put("main_metric", result.evaluation().mainMetric());
            ObjectNode metrics = o.putObject("metrics");
            result.evaluation().metrics().forEach(metrics::put);
        }
        Files.writeString(tmp.resolve(EVAL_RESULTS_FILE), JSON.writeValueAsString(o), StandardCharsets.UTF_8);
        Path dir = swapIn(tmp, BEST_DIR);
        listeners.forEach(l -> l.onCheckpoint(dir, TrainingListener.CheckpointKind.BEST));
    }

    private void saveLast() throws IOException {
        Path tmp = fresh(LAST_DIR + ".tmp");
        save(tmp);
        optimizer.save(tmp.resolve(AdamW.STATE_FILE));
        state.write(tmp.resolve(TrainerState.FILE)); // last: marks the checkpoint complete
        Path dir = swapIn(tmp, LAST_DIR);
        listeners.forEach(l -> l.onCheckpoint(dir, TrainingListener.CheckpointKind.LAST));
    }

    /** The model and the files that complete its folder (a tokenizer), so each checkpoint loads alone. */
    private void save(Path dir) throws IOException {
        model.save(dir);
        for (Map.Entry<String, Path> file : checkpointFiles.entrySet()) {
            Files.copy(file.getValue(), dir.resolve(file.getKey()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path fresh(String name) throws IOException {
        Path dir = outputDir.resolve(name);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        return dir;
    }

    /** Replaces {@code <out>/name} by {@code tmp}: old aside, new in, old deleted. */
    private Path swapIn(Path tmp, String name) throws IOException {
        Path target = outputDir.resolve(name);
        Path old = outputDir.resolve(name + ".old");
        deleteRecursively(old);
        if (Files.exists(target)) {
            Files.move(target, old);
        }
        Files.move(tmp, target);
        deleteRecursively(old);
        return target;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Returns whether every planned epoch is done.
     *
     * @return true when {@link #fit()} has nothing left to do
     */
    public boolean isFinished() {
        return state.epochsCompleted >= epochs;
    }

    /**
     * Returns the number of epochs done (the next epoch to run).
     *
     * @return the completed epochs
     */
    public int getEpochsCompleted() {
        return state.epochsCompleted;
    }

    /**
     * Returns the run's seed (after {@link #resume()}, the saved run's).
     *
     * @return the seed
     */
    public long getSeed() {
        return state.seed;
    }

    /**
     * Returns the best epoch and the history so far.
     *
     * @return the summary
     */
    public TrainingSummary summary() {
        return new TrainingSummary(state.bestEpoch, state.bestValue, state.history);
    }

    /**
     * Returns the model.
     *
     * @return the model being trained
     */
    public M getModel() {
        return model;
    }

    /**
     * Returns the optimizer.
     *
     * @return the optimizer
     */
    public AdamW getOptimizer() {
        return optimizer;
    }

    /** Frees the trainer's own arrays (not the model's or the optimizer's). */
    @Override
    public void close() {
        manager.close();
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder<TrainableModel> builder() {
        return new Builder<>();
    }

    /** Builds a {@link SpikeLmTrainer}. */
    public static final class Builder<M extends TrainableModel> {
        private M model;
        private Objective<? super M> objective;
        private BatchSource trainData;
        private AdamW optimizer;
        private int epochs;
        private int accumulation = 1;
        private long seed = 42;
        private Evaluator<? super M> evaluator;
        private boolean minimize;
        private Path outputDir;
        private boolean calibrate = true;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private final Map<String, Path> checkpointFiles = new LinkedHashMap<>();

        Builder() {}

        /**
         * Sets the model to train (required), initialised; the builder then takes objectives and
         * evaluators for its family.
         *
         * @param <N> the model's type
         * @param model the model
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public <N extends M> Builder<N> setModel(N model) {
            this.model = Objects.requireNonNull(model, "model");
            // Safe: what was set before takes any M, hence any N; from here on the builder is typed by N.
            return (Builder<N>) this;
        }

        /**
         * Sets the loss (required).
         *
         * @param objective for example {@link TaskObjective}
         * @return this builder
         */
        public Builder<M> setObjective(Objective<? super M> objective) {
            this.objective = Objects.requireNonNull(objective, "objective");
            return this;
        }

        /**
         * Sets the training batches (required); with gradient accumulation these are the
         * micro-batches.
         *
         * @param source the batches of each epoch
         * @return this builder
         */
        public Builder<M> setTrainData(BatchSource source) {
            this.trainData = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Sets the optimizer (required), built for this model's parameters.
         *
         * @param optimizer the optimizer
         * @return this builder
         */
        public Builder<M> setOptimizer(AdamW optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            return this;
        }

        /**
         * Sets the number of epochs (required).
         *
         * @param epochs a positive count
         * @return this builder
         */
        public Builder<M> setEpochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be positive, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the number of micro-batches per optimizer step (default 1).
         *
         * @param k a positive count
         * @return this builder
         */
        public Builder<M> optGradientAccumulation(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("gradient accumulation must be positive, got " + k);
            }
            this.accumulation = k;
            return this;
        }

        /**
         * Sets the seed of data order, masking and dropout (default 42).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder<M> optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the evaluation run after every epoch (default none: the training loss selects the
         * best epoch).
         *
         * @param evaluator the evaluation
         * @return this builder
         */
        public Builder<M> optEvaluator(Evaluator<? super M> evaluator) {
            this.evaluator = evaluator;
            return this;
        }

        /**
         * Sets whether a lower main metric is better (default false: higher is better).
         *
         * @param minimize true for loss-like metrics
         * @return this builder
         */
        public Builder<M> optMinimizeMetric(boolean minimize) {
            this.minimize = minimize;
            return this;
        }

        /**
         * Sets the directory of the {@code best} and {@code last} checkpoints (default none: no
         * checkpoints).
         *
         * @param dir the output directory, created if needed
         * @return this builder
         */
        public Builder<M> optOutputDir(Path dir) {
            this.outputDir = dir;
            return this;
        }

        /**
         * Sets whether uncalibrated spiking sites are calibrated on the first batch before
         * training (default true).
         *
         * @param calibrate false to leave calibration to the first training pass
         * @return this builder
         */
        public Builder<M> optCalibrate(boolean calibrate) {
            this.calibrate = calibrate;
            return this;
        }

        /**
         * Adds a file copied into every checkpoint beside the model: typically the tokenizer as
         * {@code tokenizer.json}, so that {@code best} and {@code last} are complete Hugging Face
         * folders that load and tokenize on their own.
         *
         * @param name the file's name inside each checkpoint, a plain file name
         * @param file a regular file
         * @return this builder
         * @throws IllegalArgumentException if the name is not a plain file name or the file does
         *     not exist
         */
        public Builder<M> addCheckpointFile(String name, Path file) {
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new IllegalArgumentException("Checkpoint file name must be a plain file name, got '" + name + "'");
            }
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("Checkpoint file not found: " + file);
            }
            checkpointFiles.put(name, file);
            return this;
        }

        /**
         * Adds a progress listener.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder<M> addListener(TrainingListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Builds the trainer.
         *
         * @return the trainer
         * @throws IllegalArgumentException if a required setting is missing, the model is not
         *     initialised or the optimizer belongs to another model
         */
        public SpikeLmTrainer<M> build() {
            if (model == null || objective == null || trainData == null || optimizer == null || epochs == 0) {
                throw new IllegalArgumentException(
                        "SpikeLmTrainer needs setModel, setObjective, setTrainData, setOptimizer and setEpochs");
            }
            if (outputDir != null) {
                try {
                    Files.createDirectories(outputDir);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot create " + outputDir, e);
                }
            }
            return new SpikeLmTrainer<>(this);
        }
    }
}
