package ai.spikelm.examples.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.examples.report.EnergyReport;
import ai.spikelm.examples.report.TrainingChart;
import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TokenizerFiles;
import ai.spikelm.zoo.corpus.CorpusBatches;
import ai.spikelm.zoo.corpus.TextCorpus;
import ai.spikelm.zoo.eval.StsEvaluator;
import ai.spikelm.zoo.eval.StsPair;
import ai.spikelm.zoo.eval.StsResult;
import ai.spikelm.zoo.eval.glue.GlueExample;
import ai.spikelm.zoo.eval.glue.GlueReader;
import ai.spikelm.zoo.eval.glue.GlueTask;
import ai.spikelm.zoo.text.EncoderPipeline;
import ai.spikelm.zoo.text.EncoderTokenizer;
import ai.spikelm.zoo.training.AdamW;
import ai.spikelm.zoo.training.DistillationObjective;
import ai.spikelm.zoo.training.EpochResult;
import ai.spikelm.zoo.training.EvaluationResult;
import ai.spikelm.zoo.training.FiringRateBudget;
import ai.spikelm.zoo.training.MlmMasker;
import ai.spikelm.zoo.training.SpikeLmTrainer;
import ai.spikelm.zoo.training.TrainingListener;
import ai.spikelm.zoo.training.TrainingSummary;
import ai.spikelm.zoo.training.WarmupLinearSchedule;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Task-agnostic spiking distillation: the student is the teacher converted to SpikeLM, trained on
 * unlabelled text to reproduce the ANN teacher's hidden states, attention distributions and
 * sentence vectors ({@link DistillationObjective}); zero-shot STS-B is scored as it goes.
 */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        description =
                "Distil an ANN encoder into its own SpikeLM conversion on unlabelled text (hidden states,"
                + " attention, sentence vectors), with zero-shot STS-B, firing rate and energy per token"
                + " measured every --eval-every steps; resumable (run the same command again), Ctrl-C"
                + " stops at a step boundary and keeps the last checkpoint.")
final class DistillCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--teacher", description = "ANN teacher: any model source (default: embedded all-MiniLM-L6-v2).")
    String teacher;

    @Option(names = "--text", arity = "1..*", description = "Distillation text: files or folders of plain text or JSONL.")
    List<Path> text = new ArrayList<>();

    @Option(names = "--json-field", defaultValue = "text", description = "Text field of JSONL files (default ${DEFAULT-VALUE}).")
    String jsonField;

    @Option(
            names = "--glue-text",
            description = "A glue_data folder: adds the sentences of every train split found there except STS-B's"
                    + " (dev files are never read, so no evaluated sentence is distilled on).")
    Path glueText;

    @Mixin SpikingOptions spikingOptions = new SpikingOptions();

    @Option(
            names = "--init-from",
            description = "Start the student from this model (for example a T = 1 run's best/ for a T = 4 run) instead of"
                    + " the converted teacher; its α is kept for the same T and recalibrated for another.")
    String initFrom;

    @Option(names = "--out", required = true, description = "Checkpoint folder: best/ (highest STS-B) and last/ (resumable).")
    Path out;

    @Option(names = "--max-steps", defaultValue = "2000", description = "Optimizer steps in all (default ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--max-minutes", description = "Stop cleanly after this many minutes (resume later with the same command).")
    Double maxMinutes;

    @Option(names = "--eval-every", defaultValue = "200", description = "Steps between evaluations and checkpoints (default ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--batch-size", defaultValue = "32", description = "Passages per step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-length", defaultValue = "64", description = "Tokens per passage (default ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--max-chars", defaultValue = "200", description = "Characters per passage: sentences are grouped up to this (default ${DEFAULT-VALUE}).")
    int maxChars;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default ${DEFAULT-VALUE}; 1e-4 recovered far less in the same steps).")
    float learningRate;

    @Option(names = "--warmup", defaultValue = "100", description = "Warm-up steps, then linear decay to 10%% (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--hidden-weight", defaultValue = "1", description = "Weight of the hidden-state MSE (default ${DEFAULT-VALUE}).")
    float hiddenWeight;

    @Option(names = "--attention-weight", defaultValue = "1", description = "Weight of the attention KL (default ${DEFAULT-VALUE}).")
    float attentionWeight;

    @Option(names = "--embedding-weight", defaultValue = "1", description = "Weight of the pooled-vector cosine distance (default ${DEFAULT-VALUE}).")
    float embeddingWeight;

    @Option(
            names = "--similarity-weight",
            defaultValue = "0",
            description = "Weight of the relational term: squared difference of the in-batch cosine similarities of student and teacher sentence vectors (default ${DEFAULT-VALUE}).")
    float similarityWeight;

    @Option(
            names = "--max-firing-rate",
            description = "With --learnable-alpha: after each step in which the spike sites together fired above this rate, raise every α by one factor (a firing budget; learnable α alone drifts to ≈ 0.5–0.6).")
    Double maxFiringRate;

    @Option(
            names = "--mlm-weight",
            defaultValue = "0",
            description = "Weight of a masked-LM term (15%% of tokens masked for both models) for a teacher with an MLM head (default ${DEFAULT-VALUE}).")
    float mlmWeight;

    @Option(
            names = "--train-embeddings",
            description = "Train the (real-valued) embeddings too; by default they stay the teacher's, which"
                    + " saves their 12 M-parameter gradient and update every step.")
    boolean trainEmbeddings;

    @Option(names = "--pooling", defaultValue = "mean", description = "Pooling of sentence vectors (default ${DEFAULT-VALUE}).")
    String pooling;

    @Option(names = "--sts", description = "STS-B dev for zero-shot evaluation: a glue_data folder or an STS-B-layout TSV.")
    Path sts;

    @Option(names = "--sts-limit", description = "Score only the first N STS pairs during training (all at the end).")
    Integer stsLimit;

    @Option(names = "--log-every", defaultValue = "20", description = "Steps between progress lines with the loss terms, tokens/s and ETA (default ${DEFAULT-VALUE}).")
    int logEvery;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of data order and dropout (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Write the run's history (one entry per evaluation) as JSON.")
    Path json;

    @Option(names = "--chart", description = "Write the loss curve with the STS-B Spearman (PNG).")
    Path chart;

    /** Tokens trained on before this run (a resumed run's earlier runs), and as of the last checkpoint. */
    private long tokensBefore;

    private long tokensSaved;

    /** Stops the run at a step boundary on Ctrl-C, SIGTERM or --max-minutes, after last/ is written. */
    private CleanStop stop;

    @Override
    public Integer call() throws Exception {
        try (CleanStop installed = CleanStop.install("distill")) {
            stop = installed;
            return distill();
        }
    }

    private int distill() throws Exception {
        if (maxSteps < 1 || evalEvery < 1 || batchSize < 1 || maxLength < 2) {
            throw new IllegalArgumentException("--max-steps, --eval-every, --batch-size must be positive and --max-length at least 2");
        }
        if (text.isEmpty() && glueText == null) {
            throw new IllegalArgumentException("Give the distillation text: --text PATH... and/or --glue-text GLUE_DIR");
        }
        PrintWriter console = spec.commandLine().getOut();
        Pooling pool = Pooling.of(pooling);
        ModelSource source = new ModelSource(teacher, null, false);
        Path tokenizerFile = source.requireTokenizer();
        List<StsPair> stsPairs = sts == null ? List.of() : StsEvaluator.readGlueStsb(stsFile(sts));
        List<StsPair> duringTraining = stsLimit == null ? stsPairs : stsPairs.subList(0, Math.min(stsLimit, stsPairs.size()));
        TextCorpus corpus = corpus(stsPairs);
        int epochs = (maxSteps + evalEvery - 1) / evalEvery;
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = TokenizerFiles.load(tokenizerFile,
                        b -> b.optMaxLength(maxLength).optTruncation(true).optPadding(false));
                EncoderTokenizer stsTokenizer = EncoderTokenizer.builder().setTokenizer(tokenizerFile).optMaxLength(maxLength).build()) {
            SpikeBertPreTrainedModel ann = source.load(manager, s -> SpikingConfig.ANN, null);
            SpikingConfig spiking = spikingOptions.apply(SpikingConfig.ANN);
            if (!spiking.isSpiking()) {
                throw new IllegalArgumentException("The student must spike: give -T (and the neuron options), not --ann");
            }
            SpikeBertPreTrainedModel student = initFrom == null
                    ? source.load(manager, s -> spiking, null)
                    : initialStudent(manager, spiking, ann.getConfig());
            requireSameRun(student.getConfig());
            if (!trainEmbeddings) {
                // Embeddings are real-valued and start equal to the teacher's: spiking does not change them.
                HfWeights.parameters(student).forEach((name, p) -> {
                    if (name.startsWith("embeddings.") || name.startsWith("bert.embeddings.")) {
                        p.freeze(true); // only these: freeze(false) elsewhere would unfreeze α
                    }
                });
            }
            if (!stsPairs.isEmpty()) {
                StsResult teacherScore = sts(ann, stsTokenizer, pool, stsPairs);
                console.printf(Locale.ROOT, "teacher (ANN) zero-shot STS-B: Spearman %.2f, Pearson %.2f (%d pairs)%n",
                        teacherScore.spearman() * 100, teacherScore.pearson() * 100, stsPairs.size());
            }
            List<EncodedBatch> energyText = energyBatches(tokenizer, stsPairs);
            DistillationObjective.Builder objectiveBuilder = DistillationObjective.builder()
                    .setTeacher(ann)
                    .optHiddenWeight(hiddenWeight)
                    .optAttentionWeight(attentionWeight)
                    .optEmbeddingWeight(embeddingWeight)
                    .optSimilarityWeight(similarityWeight)
                    .optPooling(pool);
            if (mlmWeight > 0) {
                objectiveBuilder.optMlm(masker(tokenizer, ann.getConfig().vocabSize()), mlmWeight);
            }
            DistillationObjective objective = objectiveBuilder.build();
            CorpusBatches batches = CorpusBatches.builder()
                    .setCorpus(corpus)
                    .setTokenizer(tokenizer)
                    .setBatchSize(batchSize)
                    .setBatchesPerEpoch(evalEvery)
                    .optMaxBatches(maxSteps)
                    .optSeed(seed)
                    .build();
            TrainingListener firingBudget = maxFiringRate == null
                    ? new TrainingListener() {}
                    : FiringRateBudget.builder().setModel(student).setMaxRate(maxFiringRate).build();
            TrainingChart lossChart = new TrainingChart("Spiking distillation, " + spiking, "STS-B Spearman");
            List<ObjectNode> history = new ArrayList<>();
            long[] tokens = {0};
            long[] startStep = {0};
            double[] seconds = {0};
            TrainingSummary summary;
            try (AdamW optimizer = AdamW.builder()
                            .setModel(student)
                            .setLearningRate(WarmupLinearSchedule.builder().setPeakValue(learningRate)
                                    .optWarmupSteps(Math.min(warmup, maxSteps - 1)).optDecaySteps(maxSteps)
                                    .optEndValue(learningRate / 10).build())
                            .build();
                    ProgressBar bar = EnergyCommand.progress("distill " + spiking, maxSteps);
                    SpikeLmTrainer<SpikeBertPreTrainedModel> trainer = SpikeLmTrainer.builder()
                            .setModel(student)
                            .setObjective(objective)
                            .setTrainData(batches)
                            .setOptimizer(optimizer)
                            .setEpochs(epochs)
                            .optSeed(seed)
                            .optOutputDir(out)
                            .addCheckpointFile("tokenizer.json", tokenizerFile)
                            .optEvaluator((m, epoch) -> evaluate(m, epoch, stsTokenizer, pool, duringTraining, energyText, manager, tokensBefore + tokens[0], history, console))
                            .addListener(lossChart)
                            .addListener(firingBudget)
                            .addListener(new TrainingListener() {
                                @Override
                                public void onStep(StepEvent event) {
                                    tokens[0] += event.tokens();
                                    seconds[0] += event.seconds();
                                    bar.stepTo(event.step());
                                    double rate = tokens[0] / seconds[0];
                                    bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f, %.0f tok/s", event.loss(), rate));
                                    if (logEvery > 0 && event.step() % logEvery == 0) {
                                        // A line a log file can keep (the bar rewrites itself).
                                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                                                "step %d/%d: loss %.4f (", event.step(), maxSteps, event.loss()));
                                        event.components().forEach((k, v) -> line.append(String.format(Locale.ROOT, "%s %.4f ", k, v)));
                                        double eta = seconds[0] / Math.max(1, event.step() - startStep[0]) * (maxSteps - event.step());
                                        line.setLength(line.length() - 1);
                                        line.append(String.format(Locale.ROOT, "), lr %.2e, %.0f tok/s, ETA %d min",
                                                event.learningRate(), rate, Math.round(eta / 60)));
                                        console.println(line);
                                        console.flush();
                                    }
                                }

                                @Override
                                public void onCheckpoint(Path directory, CheckpointKind kind) {
                                    if (kind == CheckpointKind.LAST) {
                                        // With last/, so a resumed run counts its tokens from here.
                                        tokensSaved = tokensBefore + tokens[0];
                                        writeHistory(history);
                                    }
                                }
                            })
                            .build()) {
                if (trainer.resume()) {
                    console.printf(Locale.ROOT, "resuming from %s at step %d%n", out.resolve(SpikeLmTrainer.LAST_DIR), optimizer.getStepCount());
                    bar.stepTo(optimizer.getStepCount());
                    startStep[0] = optimizer.getStepCount();
                    history.addAll(readHistory());
                    tokensBefore = tokensSaved;
                }
                console.flush();
                summary = runUntilDone(trainer);
                if (trainer.isStopRequested()) {
                    console.printf(Locale.ROOT, "%nstopped at step %d; %s holds it: run the same command to continue%n",
                            optimizer.getStepCount(), out.resolve(SpikeLmTrainer.LAST_DIR));
                }
            }
            report(console, summary, student, tokens[0], seconds[0]);
            if (chart != null && lossChart.recordedSteps() > 0) {
                CleanStop.drawUnlessShuttingDown(console, () -> {
                    lossChart.write(chart);
                    console.println("loss curve written to " + chart);
                });
            }
            if (json != null) {
                writeHistory(history);
            }
        }
        return 0;
    }

    /**
     * Runs the trainer, stopping it cleanly at --max-minutes or on Ctrl-C / SIGTERM: the step in
     * progress finishes and {@code last/} is written before the JVM exits ({@link CleanStop}).
     */
    private TrainingSummary runUntilDone(SpikeLmTrainer<?> trainer) throws IOException {
        stop.onStop(trainer::requestStop);
        stop.stopAfter(maxMinutes);
        return trainer.fit();
    }

    private EvaluationResult evaluate(
            SpikeBertPreTrainedModel model,
            int epoch,
            EncoderTokenizer tokenizer,
            Pooling pool,
            List<StsPair> pairs,
            List<EncodedBatch> energyText,
            NDManager manager,
            long tokensSeen,
            List<ObjectNode> history,
            PrintWriter console) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        String main = "distill_loss";
        if (!pairs.isEmpty()) {
            StsResult score = sts(model, tokenizer, pool, pairs);
            metrics.put("sts_spearman", score.spearman() * 100);
            metrics.put("sts_pearson", score.pearson() * 100);
            main = "sts_spearman";
        }
        EnergyReport energy = EnergyReport.measure(
                "student", model, manager, energyText, EnergyModel.DEFAULT, EnergyReport.Padding.EXCLUDED, i -> {});
        metrics.put("firing_rate", energy.overallFiringRate());
        metrics.put("ann_uj_per_token", energy.perToken().annJoules() * 1e6);
        metrics.put("uj_per_token", energy.perToken().spikingJoules() * 1e6);
        metrics.put("tokens_seen", (double) tokensSeen);
        ObjectNode entry = new ObjectMapper().createObjectNode();
        entry.put("epoch", epoch);
        metrics.forEach(entry::put);
        history.add(entry);
        console.printf(Locale.ROOT, "%nstep %d, %,d tokens: %s%n", (epoch + 1) * (long) evalEvery, tokensSeen,
                pairs.isEmpty() ? "" : String.format(Locale.ROOT, "STS-B Spearman %.2f, ", metrics.get("sts_spearman")));
        console.printf(Locale.ROOT, "  firing rate %.4f, energy per token %.3f µJ (ANN %.3f µJ)%n",
                metrics.get("firing_rate"), metrics.get("uj_per_token"), metrics.get("ann_uj_per_token"));
        console.flush();
        if (main.equals("distill_loss")) {
            return null;
        }
        return new EvaluationResult(main, metrics);
    }

    private void report(
            PrintWriter console,
            TrainingSummary summary,
            SpikeBertPreTrainedModel student,
            long tokens,
            double seconds) {
        console.printf(Locale.ROOT, "%n%s distilled from %s%n", student.getConfig().spiking(), source());
        console.printf(Locale.ROOT, "  %,d tokens this run, %.0f tokens/s; checkpoints in %s%n", tokens, seconds > 0 ? tokens / seconds : 0, out);
        if (summary.bestEpoch() >= 0 && sts != null) {
            console.printf(Locale.ROOT, "  best evaluation: step %d, STS-B Spearman %.2f (%s)%n",
                    (summary.bestEpoch() + 1) * (long) evalEvery, summary.bestValue(),
                    stsLimit == null ? "all pairs" : "first " + stsLimit + " pairs");
        }
        console.flush();
    }

    /** BERT's masking rule with the tokenizer's own [MASK] and special tokens. */
    private static MlmMasker masker(HuggingFaceTokenizer tokenizer, int vocabSize) {
        List<Long> special = new ArrayList<>();
        for (String token : List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]")) {
            special.add(singleId(tokenizer, token));
        }
        return MlmMasker.builder()
                .setVocabSize(vocabSize)
                .setMaskTokenId(singleId(tokenizer, "[MASK]"))
                .optSpecialTokenIds(special)
                .build();
    }

    private static long singleId(HuggingFaceTokenizer tokenizer, String token) {
        long[] ids = tokenizer.encode(token, false, false).getIds();
        if (ids.length != 1) {
            throw new IllegalArgumentException("--mlm-weight needs a WordPiece tokenizer with " + token + " as one token");
        }
        return ids[0];
    }

    /** Zero-shot STS: cosine of the pooled vectors against the gold scores. */
    private static StsResult sts(SpikeBertPreTrainedModel model, EncoderTokenizer tokenizer, Pooling pool, List<StsPair> pairs) {
        try (EncoderPipeline embedder =
                EncoderPipeline.builder().setModel(model.getBert()).setTokenizer(tokenizer).optPooling(pool).optBatchSize(64).build()) {
            return new StsEvaluator(embedder).evaluate(pairs);
        }
    }

    private String source() {
        return teacher == null ? ModelSource.EMBEDDED_NAME : teacher;
    }

    /** Loads --init-from as this run's student, refusing one whose shapes differ from the teacher's. */
    private SpikeBertPreTrainedModel initialStudent(NDManager manager, SpikingConfig spiking, SpikeBertConfig teacher)
            throws IOException {
        SpikeBertPreTrainedModel student = new ModelSource(initFrom, null, false).load(manager, s -> spiking, null);
        SpikeBertConfig c = student.getConfig();
        if (c.vocabSize() != teacher.vocabSize() || c.hiddenSize() != teacher.hiddenSize()
                || c.numHiddenLayers() != teacher.numHiddenLayers() || c.numAttentionHeads() != teacher.numAttentionHeads()
                || c.intermediateSize() != teacher.intermediateSize()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "--init-from %s does not have the teacher's shapes: vocabulary %d, hidden %d, layers %d, heads %d,"
                            + " intermediate %d vs %d, %d, %d, %d, %d",
                    initFrom, c.vocabSize(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.intermediateSize(),
                    teacher.vocabSize(), teacher.hiddenSize(), teacher.numHiddenLayers(), teacher.numAttentionHeads(),
                    teacher.intermediateSize()));
        }
        return student;
    }

    /** Refuses to resume a checkpoint made with other spiking settings. */
    private void requireSameRun(SpikeBertConfig student) throws IOException {
        Path config = out.resolve(SpikeLmTrainer.LAST_DIR).resolve("config.json");
        if (!Files.isRegularFile(config)) {
            return;
        }
        SpikingConfig saved = SpikeBertConfig.load(config).spiking();
        if (!saved.toBuilder().build().toString().equals(student.spiking().toString())) {
            throw new IllegalArgumentException(
                    out + " holds a run with " + saved + ", this command asks for " + student.spiking()
                            + "; use another --out or the same settings");
        }
    }

    private static Path stsFile(Path given) {
        Path file = Files.isDirectory(given) ? given.resolve("STS-B").resolve("dev.tsv") : given;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--sts: no STS-B dev file at " + file);
        }
        return file;
    }

    /** The text: files and folders, GLUE train sentences (not STS-B), never an STS sentence scored. */
    private TextCorpus corpus(List<StsPair> evaluated) throws IOException {
        TextCorpus.Builder b = TextCorpus.builder().optJsonField(jsonField).optMaxChars(maxChars);
        text.forEach(b::addPath);
        if (glueText != null) {
            GlueReader reader = new GlueReader(glueText);
            for (GlueTask task : GlueTask.values()) {
                if (task == GlueTask.STSB || !reader.exists(task, GlueTask.TRAIN)) {
                    continue;
                }
                Set<String> sentences = new LinkedHashSet<>();
                for (GlueExample e : reader.read(task, GlueTask.TRAIN).examples()) {
                    sentences.add(e.textA());
                    if (e.hasTextB()) {
                        sentences.add(e.textB());
                    }
                }
                b.addTexts("GLUE " + task + " train", sentences);
            }
        }
        List<String> excluded = new ArrayList<>();
        for (StsPair p : evaluated) {
            excluded.add(p.sentence1());
            excluded.add(p.sentence2());
        }
        return b.optExclude(excluded).build();
    }

    /**
     * Energy is measured on the first STS sentences (or the embedded sample without --sts), sorted
     * by length; the measurement runs real tokens only ({@link EnergyReport.Padding#EXCLUDED}).
     */
    private static List<EncodedBatch> energyBatches(HuggingFaceTokenizer tokenizer, List<StsPair> pairs) {
        List<String> texts = new ArrayList<>();
        for (StsPair p : pairs.subList(0, Math.min(32, pairs.size()))) {
            texts.add(p.sentence1());
            texts.add(p.sentence2());
        }
        if (texts.isEmpty()) {
            texts.addAll(CalibrationSet.sampleLines());
        }
        texts.sort(java.util.Comparator.comparingInt(t -> tokenizer.encode(t).getIds().length));
        List<EncodedBatch> batches = new ArrayList<>();
        for (int i = 0; i < texts.size(); i += 8) {
            batches.add(EncodedBatch.encode(tokenizer, texts.subList(i, Math.min(i + 8, texts.size()))));
        }
        return batches;
    }

    private Path historyFile() {
        return out.resolve("distill_history.json");
    }

    private void writeHistory(List<ObjectNode> history) {
        try {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = mapper.createObjectNode();
            root.put("teacher", source());
            root.put("student", spikingOptions.apply(SpikingConfig.ANN).toString());
            root.put("batch_size", batchSize);
            root.put("eval_every", evalEvery);
            root.put("max_steps", maxSteps);
            root.put("tokens_seen", tokensSaved);
            root.put("lr", learningRate);
            root.put("hidden_weight", hiddenWeight);
            root.put("attention_weight", attentionWeight);
            root.put("embedding_weight", embeddingWeight);
            root.put("similarity_weight", similarityWeight);
            root.put("mlm_weight", mlmWeight);
            ArrayNode entries = root.putArray("history");
            history.forEach(entries::add);
            String body = mapper.writeValueAsString(root);
            Files.writeString(historyFile(), body);
            if (json != null) {
                Files.writeString(json, body);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot write the history " + historyFile(), e);
        }
    }

    /** Reads the history and the tokens seen up to the checkpoint being resumed. */
    private List<ObjectNode> readHistory() throws IOException {
        List<ObjectNode> entries = new ArrayList<>();
        if (Files.isRegularFile(historyFile())) {
            var root = new ObjectMapper().readTree(historyFile().toFile());
            tokensSaved = root.path("tokens_seen").asLong(0);
            for (var node : root.path("history")) {
                entries.add((ObjectNode) node);
            }
        }
        return entries;
    }
}
