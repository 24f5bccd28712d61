package ai.spikelm.examples.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.examples.glue.GlueRunResult;
import ai.spikelm.examples.report.EnergyReport;
import ai.spikelm.examples.report.FiringRateChart;
import ai.spikelm.examples.report.TrainingChart;
import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.zoo.bert.PairEncoding;
import ai.spikelm.zoo.bert.SpikeBertForSequenceClassification;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.WeightsMismatchException;
import ai.spikelm.zoo.eval.glue.GlueAugmentation;
import ai.spikelm.zoo.eval.glue.GlueBatches;
import ai.spikelm.zoo.eval.glue.GlueEvaluator;
import ai.spikelm.zoo.eval.glue.GlueExample;
import ai.spikelm.zoo.eval.glue.GlueReader;
import ai.spikelm.zoo.eval.glue.GlueScores;
import ai.spikelm.zoo.eval.glue.GlueSubset;
import ai.spikelm.zoo.eval.glue.GlueTask;
import ai.spikelm.zoo.training.AdamW;
import ai.spikelm.zoo.training.BatchSource;
import ai.spikelm.zoo.training.DistillationObjective;
import ai.spikelm.zoo.training.EpochResult;
import ai.spikelm.zoo.training.EvaluationResult;
import ai.spikelm.zoo.training.Objective;
import ai.spikelm.zoo.training.Predictions;
import ai.spikelm.zoo.training.SpikeLmTrainer;
import ai.spikelm.zoo.training.TaskObjective;
import ai.spikelm.zoo.training.TrainingBatch;
import ai.spikelm.zoo.training.TrainingListener;
import ai.spikelm.zoo.training.TrainingSummary;
import ai.spikelm.zoo.training.WarmupLinearSchedule;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Fine-tunes (optionally, with distillation from an ANN teacher) and evaluates a model on a GLUE
 * task in the standard {@code glue_data} layout, and reports the task's metrics with the firing
 * rate and energy of the spiking model.
 */
@Command(
        name = "glue",
        mixinStandardHelpOptions = true,
        description =
                "Fine-tune and/or evaluate on a GLUE task (standard glue_data layout): metrics of every "
                + "dev split, firing rate and energy; --json writes the results, --out keeps best/last "
                + "checkpoints.")
final class GlueCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--task", required = true, description = "CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE or WNLI.")
    String taskName;

    @Option(names = "--data", required = true, description = "The glue_data directory.")
    Path data;

    @Option(names = "--model", description = "Model to start from (default: embedded all-MiniLM-L6-v2).")
    String model;

    @Option(
            names = "--encoder-from",
            description = "Replace the encoder (embeddings, layers, α) of --model with this SpikeLM's, e.g. a spikelm distill"
                    + " output under a fine-tuned ANN's head; the run takes its spiking settings.")
    String encoderFrom;

    @Option(names = "--train", description = "Fine-tune on the train split before evaluating.")
    boolean train;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs of fine-tuning (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--distill-from", description = "Fine-tuned ANN teacher (a glue --train output) to distill from.")
    String teacher;

    @Option(names = {"-T", "--time-steps"}, description = "SpikeLM time steps (default: the model's own; an ANN stays ANN).")
    Integer timeSteps;

    @Option(names = "--ann", description = "Run as a plain ANN.")
    boolean ann;

    @Option(names = "--train-subset", description = "Seeded subset of this many training examples.")
    Integer trainSubset;

    @Option(names = "--dev-subset", description = "Seeded subset of this many dev examples.")
    Integer devSubset;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}, as the paper).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "2e-5", description = "Constant learning rate (default ${DEFAULT-VALUE}, as the paper).")
    float learningRate;

    @Option(names = "--max-length", defaultValue = "128", description = "Tokens per example (default ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--out", description = "Checkpoint directory (best/ and last/, each with tokenizer.json); the best epoch is then the one reported.")
    Path out;

    @Option(names = "--json", description = "Write the results as JSON.")
    Path json;

    @Option(names = "--chart", description = "Write the loss curve (PNG) and, for a spiking model, firing rates per layer (<name>-firing.png).")
    Path chart;

    @Option(
            names = "--train-from-dev",
            paramLabel = "N",
            description =
                    "For a task whose train split is missing (e.g. QNLI in a partial glue_data): train on a "
                    + "seeded N-example subset of the dev split and evaluate on the disjoint rest.")
    Integer trainFromDev;

    @Option(
            names = "--pooling",
            description = "What the head reads: cls (the [CLS] token, BERT's) or mean (the mean of the real tokens); saved as"
                    + " classifier_pooling in the checkpoint (default: the model's own, cls for BERT; mean with --pairs siamese).")
    String pooling;

    @Option(
            names = "--pairs",
            description = "How a pair task's sentences are read: cross (one sequence [CLS] a [SEP] b [SEP], BERT's) or siamese"
                    + " (each sentence on its own, a head on u, v, |u-v|, u*v, or on cos(u, v) for STS-B); saved as"
                    + " pair_encoding (default: the model's own, cross for BERT).")
    String pairs;

    @Option(
            names = "--encoder-lr",
            description = "Learning rate of the encoder (embeddings and layers; default: --lr, which the head always takes);"
                    + " 0 freezes the encoder and trains only the head.")
    Float encoderLr;

    @Option(names = "--kd-hidden", defaultValue = "1", description = "With --distill-from: weight of the hidden-state MSE to the teacher, every layer (default ${DEFAULT-VALUE}).")
    float kdHidden;

    @Option(names = "--kd-logits", defaultValue = "1", description = "With --distill-from: weight of the teacher's soft targets (MSE for regression; default ${DEFAULT-VALUE}).")
    float kdLogits;

    @Option(names = "--kd-task", defaultValue = "0", description = "With --distill-from: weight of the task loss against the labels (default ${DEFAULT-VALUE}).")
    float kdTask;

    @Option(
            names = "--augment",
            paramLabel = "N",
            description = "With --distill-from and --kd-task 0: add N unlabelled variants of every training example"
                    + " (words dropped or replaced, pairs given another partner), which only the teacher's targets train on.")
    Integer augment;

    @Option(names = "--max-grad-norm", defaultValue = "1", description = "Clip the global gradient norm to this (default ${DEFAULT-VALUE}; 0: no clipping).")
    float maxGradNorm;

    @Option(names = "--log-every", defaultValue = "0", description = "Steps between log lines with the loss terms and the gradient norm (default ${DEFAULT-VALUE}: none).")
    int logEvery;

    /** How the model reads sentence pairs (from its config, after loading). */
    private PairEncoding pairReading = PairEncoding.CROSS;

    /** What the model's head reads (from its config, after loading). */
    private Pooling headPooling = Pooling.CLS;

    /** The scores of the last evaluation during training, reused for the final report. */
    private GlueScores lastEvaluation;

    private TrainingChart lossChart;

    /** Stops fine-tuning at a step boundary on Ctrl-C or SIGTERM. */
    private CleanStop stop;

    @Override
    public Integer call() throws IOException {
        try (CleanStop installed = CleanStop.install("glue")) {
            stop = installed;
            return run();
        }
    }

    private int run() throws IOException {
        GlueTask task = GlueTask.fromName(taskName);
        GlueReader reader = new GlueReader(data);
        PrintWriter console = spec.commandLine().getOut();
        ModelSource source = new ModelSource(model, null, false);
        Map<Integer, String> id2label = new LinkedHashMap<>();
        for (int i = 0; i < task.labels().size(); i++) {
            id2label.put(i, task.labels().get(i));
        }
        long started = System.nanoTime();
        Path tokenizerFile = source.requireTokenizer();
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = GlueEvaluator.tokenizer(tokenizerFile, maxLength)) {
            ModelSource encoder = encoderFrom == null ? null : new ModelSource(encoderFrom, null, false);
            SpikingConfig spiking = spiking(encoder == null ? source.savedSpiking() : encoder.savedSpiking());
            PairEncoding pairEncoding = pairs == null ? null : PairEncoding.of(pairs);
            if (pairEncoding == PairEncoding.SIAMESE && !task.isPair()) {
                throw new IllegalArgumentException("--pairs siamese needs a sentence-pair task; " + task + " has single sentences");
            }
            Pooling pooled = pooling != null ? Pooling.of(pooling) : pairEncoding == PairEncoding.SIAMESE ? Pooling.MEAN : null;
            SpikeBertPreTrainedModel classifier =
                    source.loadClassifier(manager, spiking, id2label, task.isRegression(), pooled, pairEncoding);
            pairReading = classifier.getConfig().pairEncoding();
            headPooling = classifier.getConfig().classifierPooling();
            if (encoder != null) {
                transplantEncoder(classifier, encoder, spiking);
            }
            Map<String, List<GlueExample>> dev = new LinkedHashMap<>();
            for (String split : task.devSplits()) {
                dev.put(split, reader.read(task, split).examples());
            }
            List<GlueExample> trainExamples = List.of();
            if (train) {
                trainExamples = trainFromDev == null ? reader.read(task, GlueTask.TRAIN).examples() : carveTrainFromDev(task, dev);
                if (trainSubset != null) {
                    trainExamples = GlueSubset.sample(trainExamples, trainSubset, seed);
                }
                trainExamples = withAugmentation(trainExamples, console);
            }
            if (devSubset != null) {
                dev.replaceAll((split, examples) -> GlueSubset.sample(examples, devSubset, seed));
            }
            TrainingSummary summary = null;
            if (train) {
                summary = fineTune(classifier, task, trainExamples, dev, tokenizer, tokenizerFile, manager, console);
                if (stop.isRequested()) {
                    // Scores of a model stopped mid-epoch would be read as the run's result.
                    console.printf(Locale.ROOT, "%nstopped by a signal during fine-tuning%s; no scores reported%n",
                            out != null ? " (" + out.resolve(SpikeLmTrainer.LAST_DIR) + " holds the last step)" : "");
                    console.flush();
                    return 0;
                }
            }
            Map<String, GlueScores> scores = new LinkedHashMap<>();
            for (var split : dev.entrySet()) {
                // The last epoch's evaluation already scored the first dev split with these weights.
                boolean evaluated = lastEvaluation != null && split.getKey().equals(task.devSplits().get(0));
                scores.put(split.getKey(), evaluated ? lastEvaluation : score(classifier, task, split.getValue(), tokenizer));
            }
            // A siamese model's sequences are independent, but its head pairs the batch's halves, which
            // the padding-free regrouping by length breaks up: measure its encoder, where all its spike
            // sites are (the head is one linear layer on the pair features, real-valued either way).
            EnergyReport energy =
                    EnergyReport.measure(
                            spiking.toString(),
                            pairReading == PairEncoding.SIAMESE ? classifier.getBert() : classifier,
                            manager,
                            batches(dev.values().iterator().next().subList(0, Math.min(64, dev.values().iterator().next().size())), task, tokenizer)
                                    .stream()
                                    .map(TrainingBatch::inputs)
                                    .toList(),
                            EnergyModel.DEFAULT,
                            EnergyReport.Padding.EXCLUDED,
                            i -> {});
            double seconds = (System.nanoTime() - started) / 1e9;
            report(console, task, spiking, scores, energy, summary, seconds);
            writeCharts(energy, console);
        }
        return 0;
    }

    /** The training examples plus --augment variants of them (unlabelled: for the teacher's targets only). */
    private List<GlueExample> withAugmentation(List<GlueExample> labelled, PrintWriter console) {
        if (augment == null) {
            return labelled;
        }
        if (augment < 1) {
            throw new IllegalArgumentException("--augment must be at least 1, got " + augment);
        }
        if (teacher == null || kdTask != 0f) {
            throw new IllegalArgumentException(
                    "--augment adds unlabelled examples: it needs --distill-from and --kd-task 0, so that only the teacher's targets train on them");
        }
        List<GlueExample> all = new ArrayList<>(labelled);
        all.addAll(GlueAugmentation.augment(labelled, augment, seed));
        console.printf(Locale.ROOT, "training on %d examples and %d unlabelled variants (--augment %d)%n",
                labelled.size(), all.size() - labelled.size(), augment);
        return all;
    }

    /**
     * Splits the first dev split in two, seeded: a training part of {@code --train-from-dev}
     * examples, returned, and the disjoint rest, which stays in {@code dev} for evaluation.
     */
    private List<GlueExample> carveTrainFromDev(GlueTask task, Map<String, List<GlueExample>> dev) {
        if (task.devSplits().size() != 1) {
            throw new IllegalArgumentException("--train-from-dev needs a task with one dev split; " + task + " has " + task.devSplits());
        }
        String split = task.devSplits().get(0);
        List<GlueExample> all = dev.get(split);
        if (trainFromDev <= 0 || trainFromDev >= all.size()) {
            throw new IllegalArgumentException("--train-from-dev must be between 1 and " + (all.size() - 1) + " for " + task + ", got " + trainFromDev);
        }
        int[] chosen = GlueSubset.sampleIndices(all.size(), trainFromDev, seed);
        boolean[] forTraining = new boolean[all.size()];
        List<GlueExample> training = new ArrayList<>();
        for (int i : chosen) {
            forTraining[i] = true;
            training.add(all.get(i));
        }
        List<GlueExample> rest = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (!forTraining[i]) {
                rest.add(all.get(i));
            }
        }
        dev.put(split, rest);
        return training;
    }

    private void writeCharts(EnergyReport energy, PrintWriter console) throws IOException {
        if (chart == null) {
            return;
        }
        if (lossChart != null && lossChart.recordedSteps() > 0) {
            lossChart.write(chart);
            console.println("loss curve written to " + chart);
        }
        Path firing = FiringRateChart.writeBeside(energy, chart);
        if (firing != null) {
            console.println("firing rates written to " + firing);
        }
        console.flush();
    }

    /**
     * Loads the encoder of --encoder-from into the classifier: its head (pooler and classifier) stays,
     * its spike sites there recalibrate on the first batch.
     */
    private void transplantEncoder(SpikeBertPreTrainedModel classifier, ModelSource encoder, SpikingConfig spiking)
            throws IOException {
        try (NDManager scratch = NDManager.newBaseManager()) {
            SpikeBertPreTrainedModel from = encoder.load(scratch, saved -> spiking, "BertModel");
            try {
                classifier.loadEncoderFrom(from);
            } catch (WeightsMismatchException e) {
                throw new IllegalArgumentException("--encoder-from " + encoderFrom + " does not fit --model "
                        + (model == null ? ModelSource.EMBEDDED_NAME : model) + ": " + e.getMessage(), e);
            }
        }
    }

    private SpikingConfig spiking(SpikingConfig saved) {
        if (ann) {
            return SpikingConfig.ANN;
        }
        if (timeSteps == null) {
            return saved;
        }
        SpikingConfig.Builder b = saved.isSpiking() ? saved.toBuilder() : SpikingConfig.builder();
        return b.optSpiking(true).optTimeSteps(timeSteps).build();
    }

    private TrainingSummary fineTune(
            SpikeBertPreTrainedModel classifier,
            GlueTask task,
            List<GlueExample> trainExamples,
            Map<String, List<GlueExample>> dev,
            HuggingFaceTokenizer tokenizer,
            Path tokenizerFile,
            NDManager manager,
            PrintWriter console)
            throws IOException {
        Objective<SpikeBertPreTrainedModel> objective = new TaskObjective();
        if (teacher != null) {
            SpikeBertPreTrainedModel teacherModel =
                    new ModelSource(teacher, null, false)
                            .loadClassifier(manager, SpikingConfig.ANN, classifier.getConfig().id2label(), task.isRegression(), null, null);
            if (teacherModel.getConfig().pairEncoding() != pairReading) {
                throw new IllegalArgumentException("--distill-from " + teacher + " reads pairs as " + teacherModel.getConfig().pairEncoding()
                        + ", the model as " + pairReading + ": teacher and student must see the same batches");
            }
            objective = DistillationObjective.builder()
                    .setTeacher(teacherModel)
                    .optHiddenWeight(kdHidden)
                    .optLogitWeight(kdLogits)
                    .optTaskWeight(kdTask)
                    .build();
        }
        if (trainExamples.isEmpty()) {
            throw new IllegalArgumentException("no training examples for " + task);
        }
        BatchSource source = BatchSource.shuffled(trainExamples, batchSize, b -> GlueBatches.collate(b, task, tokenizer, pairReading));
        if (classifier instanceof SpikeBertForSequenceClassification siamese
                && pairReading == PairEncoding.SIAMESE && task.isRegression()) {
            List<GlueExample> scored = trainExamples.stream().filter(GlueExample::isLabelled).toList();
            fitSimilarityMap(siamese, batches(scored, task, tokenizer), console);
        }
        lossChart = new TrainingChart(task + " fine-tuning, " + classifier.getConfig().spiking()
                + (teacher != null ? ", distilled" : ""), "dev " + task.mainMetric());
        List<GlueExample> firstDev = dev.values().iterator().next();
        float encoderScale = encoderLr == null ? 1f : encoderLr / learningRate;
        if (encoderScale == 0f) {
            // Frozen rather than a zero rate: no gradient is computed through the encoder at all.
            HfWeights.parameters(classifier).forEach((name, p) -> {
                if (classifier.isEncoderWeight(name)) {
                    p.freeze(true);
                }
            });
        }
        try (AdamW optimizer =
                        AdamW.builder()
                                .setModel(classifier)
                                .setLearningRate(WarmupLinearSchedule.constant(learningRate))
                                .optLearningRateScale(name -> classifier.isEncoderWeight(name) ? encoderScale : 1f)
                                .optMaxGradNorm(maxGradNorm)
                                .build();
                ProgressBar bar = EnergyCommand.progress("GLUE " + task + " fine-tuning", epochs * source.batchesPerEpoch());
                SpikeLmTrainer<SpikeBertPreTrainedModel> trainer =
                        SpikeLmTrainer.builder()
                                .setModel(classifier)
                                .setObjective(objective)
                                .setTrainData(source)
                                .setOptimizer(optimizer)
                                .setEpochs(epochs)
                                .optSeed(seed)
                                .optOutputDir(out)
                                .addCheckpointFile("tokenizer.json", tokenizerFile)
                                .optEvaluator((m, epoch) -> {
                                    lastEvaluation = score(m, task, firstDev, tokenizer);
                                    return EvaluationResult.of(task.mainMetric().toString(), lastEvaluation.main());
                                })
                                .addListener(lossChart)
                                .addListener(
                                        new TrainingListener() {
                                            @Override
                                            public void onStep(StepEvent event) {
                                                bar.step();
                                                bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", event.loss()));
                                                if (logEvery > 0 && event.step() % logEvery == 0) {
                                                    logStep(console, event);
                                                }
                                            }

                                            @Override
                                            public void onEpochEnd(EpochResult result) {
                                                console.printf(Locale.ROOT, "epoch %d: train loss %.4f, dev %s %.4f (%.0f s)%n",
                                                        result.epoch(), result.trainLoss(), task.mainMetric(),
                                                        result.evaluation().mainValue(), result.seconds());
                                                console.flush();
                                            }
                                        })
                                .build()) {
            stop.onStop(trainer::requestStop);
            TrainingSummary summary = trainer.fit();
            if (trainer.isStopRequested()) {
                return summary;
            }
            if (out != null && trainer.restoreBest() != summary.lastEpoch()) {
                lastEvaluation = null; // the best epoch's model is scored again below
            }
            return summary;
        }
    }

    /**
     * Fits the siamese regression head's map from cosine to score by least squares on the training
     * examples, so that fine-tuning starts from the encoder's zero-shot similarity rather than from
     * a random scale (Adam would need thousands of steps at a small learning rate to grow one
     * weight to the score range). Spike sites calibrate first, on the first training batch.
     */
    private static void fitSimilarityMap(SpikeBertForSequenceClassification model, List<TrainingBatch> train, PrintWriter console) {
        Calibration.calibrate(model, train.get(0).inputs());
        model.setSimilarityMap(1f, 0f);
        float[][] cosines = Predictions.logits(model, train);
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        int row = 0;
        for (TrainingBatch batch : train) {
            for (float target : batch.targets()) {
                double x = cosines[row++][0];
                n++;
                sx += x;
                sy += target;
                sxx += x * x;
                sxy += x * target;
            }
        }
        double variance = sxx - sx * sx / n;
        double scale = variance > 1e-12 ? (sxy - sx * sy / n) / variance : 0;
        double offset = (sy - scale * sx) / n;
        model.setSimilarityMap((float) scale, (float) offset);
        console.printf(Locale.ROOT, "similarity head fitted on %d training pairs: score = %.3f * cos + %.3f%n", (int) n, scale, offset);
        console.flush();
    }

    /** The weights of the distillation terms, in the order the options list them. */
    private Map<String, Double> distillationWeights() {
        Map<String, Double> weights = new LinkedHashMap<>();
        weights.put("hidden", (double) kdHidden);
        weights.put("logits", (double) kdLogits);
        weights.put("task", (double) kdTask);
        return weights;
    }

    /** Prints a step's loss, its terms and its gradient norm on one line a log file can keep. */
    private static void logStep(PrintWriter console, TrainingListener.StepEvent event) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "step %d: loss %.4f", event.step(), event.loss()));
        event.components().forEach((k, v) -> line.append(String.format(Locale.ROOT, ", %s %.4f", k, v)));
        line.append(String.format(Locale.ROOT, ", grad norm %.3f", event.gradientNorm()));
        console.println(line);
        console.flush();
    }

    private List<TrainingBatch> batches(List<GlueExample> examples, GlueTask task, HuggingFaceTokenizer tokenizer) {
        return GlueBatches.inOrder(examples, task, tokenizer, batchSize, pairReading);
    }

    private GlueScores score(SpikeBertPreTrainedModel m, GlueTask task, List<GlueExample> examples, HuggingFaceTokenizer tokenizer) {
        return GlueEvaluator.builder().setModel(m).setTask(task).setTokenizer(tokenizer).optBatchSize(batchSize).build().evaluate(examples);
    }

    private void report(
            PrintWriter console,
            GlueTask task,
            SpikingConfig spiking,
            Map<String, GlueScores> scores,
            EnergyReport energy,
            TrainingSummary summary,
            double seconds)
            throws IOException {
        console.printf(Locale.ROOT, "%n%s, %s%s%n", task, spiking, teacher != null ? ", distilled from " + teacher : "");
        scores.forEach((split, s) -> console.printf(Locale.ROOT, "  %-16s %s%n", split, s));
        if (summary != null) {
            console.printf(Locale.ROOT, "  best epoch %d: %s %.4f%n", summary.bestEpoch(), task.mainMetric(), summary.bestValue());
            if (out == null && summary.bestEpoch() != summary.lastEpoch()) {
                // Without --out there is no best checkpoint to return to: the scores above are the last epoch's.
                console.printf(Locale.ROOT, "  (scores above: last epoch %d; with --out the best epoch is kept and reported)%n", summary.lastEpoch());
            }
        }
        // A siamese model reads an example as two sequences: its cost per example is theirs together.
        int perExample = pairReading == PairEncoding.SIAMESE ? 2 : 1;
        console.printf(Locale.ROOT, "  firing rate %s; energy per %s ANN %.4f mJ, this model %.4f mJ (%.1fx; %s)%n",
                energy.overallFiringRateText(),
                perExample == 2 ? "example (2 sequences)" : "sequence",
                energy.perSequence().annJoules() * 1e3 * perExample,
                energy.perSequence().spikingJoules() * 1e3 * perExample, energy.perSequence().savingFactor(), energy.paddingLabel());
        console.printf(Locale.ROOT, "  time %.0f s%n", seconds);
        console.flush();
        if (json != null) {
            Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
            scores.forEach((split, s) -> {
                Map<String, Double> values = new LinkedHashMap<>();
                s.values().forEach((metric, value) -> values.put(metric.toString(), value));
                metrics.put(split, values);
            });
            double firingRate = energy.overallFiringRate();
            new GlueRunResult(
                            task.toString(),
                            model == null ? ModelSource.EMBEDDED_NAME : model,
                            spiking.toString(),
                            spiking.timeSteps(),
                            teacher,
                            train,
                            train ? epochs : 0,
                            trainSubset,
                            summary == null ? null : (int) summary.history().get(0).examples(),
                            devSubset,
                            trainFromDev,
                            seed,
                            batchSize,
                            learningRate,
                            maxLength,
                            metrics,
                            summary == null ? null : summary.bestEpoch(),
                            summary == null ? null : summary.bestValue(),
                            Double.isNaN(firingRate) ? null : firingRate, // an ANN has no spikes
                            energy.perSequence().annJoules() * 1e3 * perExample,
                            energy.perSequence().spikingJoules() * 1e3 * perExample,
                            seconds,
                            encoderFrom,
                            headPooling.name().toLowerCase(Locale.ROOT),
                            pairReading.jsonName(),
                            encoderLr == null ? null : (double) encoderLr,
                            teacher == null ? null : distillationWeights())
                    .write(json);
        }
    }
}
