package ai.spikelm.examples.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.examples.report.EnergyReport;
import ai.spikelm.examples.report.FiringRateChart;
import ai.spikelm.examples.report.TrainingChart;
import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.Tokenizers;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.family.CausalLmModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelFamily;
import ai.spikelm.zoo.family.ModelKind;
import ai.spikelm.zoo.training.AdamW;
import ai.spikelm.zoo.training.CausalLmObjective;
import ai.spikelm.zoo.training.EpochResult;
import ai.spikelm.zoo.training.EvaluationResult;
import ai.spikelm.zoo.training.Perplexity;
import ai.spikelm.zoo.training.SpikeLmTrainer;
import ai.spikelm.zoo.training.TokenWindows;
import ai.spikelm.zoo.training.TrainingBatch;
import ai.spikelm.zoo.training.TrainingListener;
import ai.spikelm.zoo.training.TrainingSummary;
import ai.spikelm.zoo.training.WarmupLinearSchedule;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains a causal language model of any registered family (default SpikeLM-GPT-2) on text files:
 * from scratch (ANN or spiking), or from a trained checkpoint converted to SpikeLM, optionally
 * distilled from an ANN teacher; reports held-out perplexity, throughput, firing rate and energy.
 */
@Command(
        name = "pretrain-lm",
        mixinStandardHelpOptions = true,
        description =
                "Train a SpikeLM causal language model (default GPT-2) on text (ANN or spiking, from scratch or from "
                + "--init-from, optionally distilled); reports held-out perplexity, tokens/s, firing rate "
                + "and energy.")
final class PretrainLmCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--text", required = true, arity = "1..*", description = "Training text: files, or directories of *.txt files.")
    List<Path> text;

    @Option(names = "--held-out", required = true, arity = "1..*", description = "Held-out text for perplexity (not trained on).")
    List<Path> heldOut;

    @Option(names = "--out", required = true, description = "Output directory: best/ and last/ checkpoints (with tokenizer.json).")
    Path out;

    @Option(names = "--tokenizer", description = "tokenizer.json (default: the family's own for new models; GPT-2: byte-level, 257 tokens, perplexity per byte).")
    Path tokenizerFile;

    @Option(names = "--family", defaultValue = "gpt2", description = "model_type of a new model (default ${DEFAULT-VALUE}); --init-from names its own.")
    String family;

    @Option(names = "--init-from", description = "Start from this GPT-2-layout checkpoint (e.g. the trained ANN) instead of random weights.")
    String initFrom;

    @Option(names = "--distill-from", description = "ANN language model to distill from (same tokenizer).")
    String teacher;

    @Mixin SpikingOptions spikingOptions = new SpikingOptions();

    @Option(names = "--layers", defaultValue = "4", description = "Layers of a new model (default ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = "256", description = "Width of a new model (default ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads of a new model (default ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--context", defaultValue = "128", description = "Tokens per training window = context of a new model (default ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--batch-size", defaultValue = "16", description = "Windows per step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--steps-per-epoch", defaultValue = "100", description = "Steps between evaluations (default ${DEFAULT-VALUE}).")
    int stepsPerEpoch;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--warmup", defaultValue = "50", description = "Warm-up steps, then linear decay to 10%% (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--eval-windows", defaultValue = "64", description = "Held-out windows scored per epoch (default ${DEFAULT-VALUE}).")
    int evalWindows;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Write the results as JSON.")
    Path json;

    @Option(names = "--chart", description = "Write the loss curve (PNG) and firing rates per layer (<name>-firing.png).")
    Path chart;

    @Override
    public Integer call() throws IOException {
        try (CleanStop stop = CleanStop.install("pretrain-lm")) {
            return train(stop);
        }
    }

    /** Trains; Ctrl-C or SIGTERM stops at a step boundary with {@code last/} written, and skips the report. */
    private int train(CleanStop stop) throws IOException {
        PrintWriter console = spec.commandLine().getOut();
        long started = System.nanoTime();
        Files.createDirectories(out);
        Path tokenizerJson = out.resolve("tokenizer.json");
        if (tokenizerFile != null) {
            Files.copy(tokenizerFile, tokenizerJson, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else if (initFrom != null && Files.isRegularFile(LanguageModelFiles.modelDir(initFrom).resolve("tokenizer.json"))) {
            // A converted model keeps the tokenizer it was trained with.
            Files.copy(LanguageModelFiles.modelDir(initFrom).resolve("tokenizer.json"), tokenizerJson, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else {
            ModelFamily newFamily = ModelFamilies.forModelType(family);
            Files.writeString(tokenizerJson, newFamily.newTokenizerJson().orElseThrow(() -> new IllegalArgumentException(
                    newFamily.displayName() + " has no tokenizer of its own for a new model: pass --tokenizer FILE")));
        }
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = Tokenizers.untruncated(tokenizerJson)) {
            CausalLmModel model = model(manager, Tokenizers.vocabSize(tokenizerJson));
            ModelShape shape = model.shape();
            SpikingConfig modelSpiking = model.spiking();
            Integer eos = model.eosTokenId() != null && model.eosTokenId() < model.vocabSize() ? model.eosTokenId() : null;
            int window = Math.min(context, shape.maxPositions());
            TokenWindows train = new TokenWindows(LanguageModelFiles.tokenize(tokenizer, LanguageModelFiles.textFiles(text), eos), window);
            TokenWindows held = new TokenWindows(LanguageModelFiles.tokenize(tokenizer, LanguageModelFiles.textFiles(heldOut), eos), window);
            List<TrainingBatch> heldBatches = held.consecutive(batchSize, evalWindows);
            console.printf(Locale.ROOT, "%s, %d parameters; %d training tokens, %d held-out tokens, windows of %d%n",
                    modelSpiking, parameterCount(model), train.tokenCount(), held.tokenCount(), window);
            console.flush();

            CausalLmObjective.Builder objective = CausalLmObjective.builder();
            if (teacher != null) {
                objective.optTeacher(ModelFamilies.loadCausalLm(
                        LoadRequest.builder().setModelDir(LanguageModelFiles.modelDir(teacher)).optSpiking(SpikingConfig.ANN).build(),
                        manager));
            }
            TrainingChart lossChart = new TrainingChart("Language model, " + modelSpiking + (teacher != null ? ", distilled" : ""), "held-out perplexity");
            TrainingSummary summary;
            long[] trainedTokens = {0};
            double[] trainSeconds = {0};
            int totalSteps = epochs * stepsPerEpoch;
            try (AdamW optimizer = AdamW.builder()
                            .setModel(model)
                            .setLearningRate(WarmupLinearSchedule.builder().setPeakValue(learningRate)
                                    .optWarmupSteps(Math.min(warmup, totalSteps - 1)).optDecaySteps(totalSteps)
                                    .optEndValue(learningRate / 10).build())
                            .build();
                    ProgressBar bar = EnergyCommand.progress("pretrain-lm", totalSteps);
                    SpikeLmTrainer<CausalLmModel> trainer = SpikeLmTrainer.builder()
                            .setModel(model)
                            .setObjective(objective.build())
                            .setTrainData(train.randomBatches(batchSize, stepsPerEpoch))
                            .setOptimizer(optimizer)
                            .setEpochs(epochs)
                            .optSeed(seed)
                            .optOutputDir(out)
                            .addCheckpointFile("tokenizer.json", tokenizerJson)
                            .optMinimizeMetric(true)
                            .optEvaluator((m, epoch) -> EvaluationResult.of("perplexity", Perplexity.evaluate(m, heldBatches).perplexity()))
                            .addListener(lossChart)
                            .addListener(new TrainingListener() {
                                @Override
                                public void onStep(StepEvent event) {
                                    trainedTokens[0] += event.tokens();
                                    trainSeconds[0] += event.seconds();
                                    bar.step();
                                    bar.setExtraMessage(String.format(Locale.ROOT, " loss %.3f, %.0f tok/s", event.loss(), event.tokensPerSecond()));
                                }

                                @Override
                                public void onEpochEnd(EpochResult result) {
                                    console.printf(Locale.ROOT, "epoch %d: train loss %.4f, held-out perplexity %.3f (%.0f s)%n",
                                            result.epoch(), result.trainLoss(), result.evaluation().mainValue(), result.seconds());
                                    console.flush();
                                }
                            })
                            .build()) {
                trainer.resume();
                stop.onStop(trainer::requestStop);
                summary = trainer.fit();
                if (trainer.isStopRequested()) {
                    console.printf(Locale.ROOT, "%nstopped at step %d; %s holds it: run the same command to continue%n",
                            optimizer.getStepCount(), out.resolve(SpikeLmTrainer.LAST_DIR));
                    console.flush();
                    return 0;
                }
            }
            Perplexity last = Perplexity.evaluate(model, heldBatches);
            EnergyReport energy = EnergyReport.measure(modelSpiking.toString(), model, manager,
                    heldBatches.subList(0, Math.min(4, heldBatches.size())).stream().map(TrainingBatch::inputs).toList(),
                    EnergyModel.DEFAULT, EnergyReport.Padding.EXCLUDED, i -> {});
            double seconds = (System.nanoTime() - started) / 1e9;
            console.printf(Locale.ROOT, "%n%s%s%n", modelSpiking, teacher != null ? ", distilled from " + teacher : "");
            console.printf(Locale.ROOT, "  held-out perplexity %.3f (%.4f nats, %.4f bits per token) on %d tokens; best epoch %d%n",
                    last.perplexity(), last.crossEntropy(), last.crossEntropy() / Math.log(2), last.predictedTokens(), summary.bestEpoch());
            console.printf(Locale.ROOT, "  training %.0f tokens/s; evaluation %.0f tokens/s%n", trainedTokens[0] / trainSeconds[0], last.tokensPerSecond());
            console.printf(Locale.ROOT, "  firing rate %s; energy per token ANN %.4f µJ, this model %.4f µJ (%.1fx)%n",
                    energy.overallFiringRateText(), energy.perToken().annJoules() * 1e6,
                    energy.perToken().spikingJoules() * 1e6, energy.perToken().savingFactor());
            console.printf(Locale.ROOT, "  time %.0f s; checkpoints in %s%n", seconds, out);
            console.flush();
            if (chart != null) {
                CleanStop.drawUnlessShuttingDown(console, () -> {
                    lossChart.write(chart);
                    FiringRateChart.writeBeside(energy, chart);
                });
            }
            if (json != null) {
                ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                ObjectNode root = mapper.createObjectNode();
                root.put("spiking", modelSpiking.toString());
                root.put("time_steps", modelSpiking.timeSteps());
                root.put("init_from", initFrom);
                root.put("distilled_from", teacher);
                root.put("layers", shape.layers());
                root.put("hidden", shape.hiddenSize());
                root.put("heads", shape.heads());
                root.put("context", window);
                root.put("vocab_size", shape.vocabSize());
                root.put("parameters", parameterCount(model));
                root.put("steps", totalSteps);
                root.put("batch_size", batchSize);
                root.put("trained_tokens", trainedTokens[0]);
                root.put("held_out_perplexity", last.perplexity());
                root.put("held_out_nats_per_token", last.crossEntropy());
                root.put("held_out_tokens", last.predictedTokens());
                root.put("best_epoch", summary.bestEpoch());
                root.put("train_tokens_per_second", trainedTokens[0] / trainSeconds[0]);
                root.put("eval_tokens_per_second", last.tokensPerSecond());
                if (Double.isNaN(energy.overallFiringRate())) {
                    root.putNull("firing_rate"); // an ANN has no spikes
                } else {
                    root.put("firing_rate", energy.overallFiringRate());
                }
                root.put("ann_uj_per_token", energy.perToken().annJoules() * 1e6);
                root.put("model_uj_per_token", energy.perToken().spikingJoules() * 1e6);
                root.put("seconds", seconds);
                Files.writeString(json, mapper.writeValueAsString(root));
            }
        }
        return 0;
    }

    private CausalLmModel model(NDManager manager, int vocab) throws IOException {
        if (initFrom != null) {
            Path dir = LanguageModelFiles.modelDir(initFrom);
            // Not calibrated on load: the trainer calibrates on its first batch, over real tokens.
            CausalLmModel model = ModelFamilies.loadCausalLm(
                    LoadRequest.builder().setModelDir(dir).optSpiking(spikingOptions::applyIfGiven).optCalibration(null).build(),
                    manager);
            if (model.vocabSize() != vocab) {
                throw new IllegalArgumentException(dir + " has a vocabulary of " + model.vocabSize() + ", the tokenizer " + vocab);
            }
            return model;
        }
        SpikingConfig spiking = spikingOptions.applyIfGiven(SpikingConfig.ANN);
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
        TrainableModel created = ModelFamilies.forModelType(family)
                .create(ModelKind.CAUSAL_LM, new ModelShape(vocab, context, hidden, layers, heads), spiking, manager);
        if (!(created instanceof CausalLmModel)) {
            throw new IllegalStateException(family + " created " + created.architecture() + ", not a causal language model");
        }
        return (CausalLmModel) created;
    }

    private static long parameterCount(TrainableModel model) {
        return HfWeights.parameters(model).entrySet().stream()
                .filter(e -> !e.getKey().endsWith(".alpha"))
                .mapToLong(e -> e.getValue().getArray().size())
                .sum();
    }
}
