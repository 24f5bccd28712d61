package ai.spikelm.examples.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.examples.report.EnergyReport;
import ai.spikelm.examples.report.FiringRateChart;
import ai.spikelm.examples.report.TrainingChart;
import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.gpt2.Gpt2TokenizerJson;
import ai.spikelm.zoo.gpt2.SpikeGpt2Config;
import ai.spikelm.zoo.gpt2.SpikeGpt2LMHeadModel;
import ai.spikelm.zoo.gpt2.SpikeGpt2Loader;
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
 * Trains a SpikeLM-GPT-2 language model on text files: from scratch (ANN or spiking), or from a
 * trained checkpoint converted to SpikeLM, optionally distilled from an ANN teacher; reports
 * held-out perplexity, throughput, firing rate and energy.
 */
@Command(
        name = "pretrain-lm",
        mixinStandardHelpOptions = true,
        description =
                "Train a SpikeLM-GPT-2 language model on text (ANN or spiking, from scratch or from "
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

    @Option(names = "--tokenizer", description = "tokenizer.json (default: byte-level, 257 tokens, perplexity per byte).")
    Path tokenizerFile;

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
            Files.writeString(tokenizerJson, Gpt2TokenizerJson.byteLevel());
        }
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = Gpt2TokenizerJson.load(tokenizerJson)) {
            SpikeGpt2LMHeadModel model = model(manager, Gpt2TokenizerJson.vocabSize(tokenizerJson));
            SpikeGpt2Config config = model.getConfig();
            Integer eos = config.eosTokenId() != null && config.eosTokenId() < config.vocabSize() ? config.eosTokenId() : null;
            int window = Math.min(context, config.nPositions());
            TokenWindows train = new TokenWindows(LanguageModelFiles.tokenize(tokenizer, LanguageModelFiles.textFiles(text), eos), window);
            TokenWindows held = new TokenWindows(LanguageModelFiles.tokenize(tokenizer, LanguageModelFiles.textFiles(heldOut), eos), window);
            List<TrainingBatch> heldBatches = held.consecutive(batchSize, evalWindows);
            console.printf(Locale.ROOT, "%s, %d parameters; %d training tokens, %d held-out tokens, windows of %d%n",
                    config.spiking(), parameterCount(model), train.tokenCount(), held.tokenCount(), window);
            console.flush();

            CausalLmObjective.Builder objective = CausalLmObjective.builder();
            if (teacher != null) {
                objective.optTeacher(SpikeGpt2Loader.builder().setModelDir(LanguageModelFiles.modelDir(teacher))
                        .optSpiking(SpikingConfig.ANN).build().loadLanguageModel(manager));
            }
            TrainingChart lossChart = new TrainingChart("Language model, " + config.spiking() + (teacher != null ? ", distilled" : ""), "held-out perplexity");
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
                    SpikeLmTrainer<SpikeGpt2LMHeadModel> trainer = SpikeLmTrainer.builder()
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
                summary = trainer.fit();
            }
            Perplexity last = Perplexity.evaluate(model, heldBatches);
            EnergyReport energy = EnergyReport.measure(config.spiking().toString(), model, manager,
                    heldBatches.subList(0, Math.min(4, heldBatches.size())).stream().map(TrainingBatch::inputs).toList(),
                    EnergyModel.DEFAULT, i -> {});
            double seconds = (System.nanoTime() - started) / 1e9;
            console.printf(Locale.ROOT, "%n%s%s%n", config.spiking(), teacher != null ? ", distilled from " + teacher : "");
            console.printf(Locale.ROOT, "  held-out perplexity %.3f (%.4f nats, %.4f bits per token) on %d tokens; best epoch %d%n",
                    last.perplexity(), last.crossEntropy(), last.crossEntropy() / Math.log(2), last.predictedTokens(), summary.bestEpoch());
            console.printf(Locale.ROOT, "  training %.0f tokens/s; evaluation %.0f tokens/s%n", trainedTokens[0] / trainSeconds[0], last.tokensPerSecond());
            console.printf(Locale.ROOT, "  firing rate %s; energy per token ANN %.4f µJ, this model %.4f µJ (%.1fx)%n",
                    energy.overallFiringRateText(), energy.perToken().annJoules() * 1e6,
                    energy.perToken().spikingJoules() * 1e6, energy.perToken().savingFactor());
            console.printf(Locale.ROOT, "  time %.0f s; checkpoints in %s%n", seconds, out);
            console.flush();
            if (chart != null) {
                lossChart.write(chart);
                FiringRateChart.writeBeside(energy, chart);
            }
            if (json != null) {
                ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                ObjectNode root = mapper.createObjectNode();
                root.put("spiking", config.spiking().toString());
                root.put("time_steps", config.spiking().timeSteps());
                root.put("init_from", initFrom);
                root.put("distilled_from", teacher);
                root.put("layers", config.nLayer());
                root.put("hidden", config.nEmbd());
                root.put("heads", config.nHead());
                root.put("context", window);
                root.put("vocab_size", config.vocabSize());
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

    private SpikeGpt2LMHeadModel model(NDManager manager, int vocab) throws IOException {
        if (initFrom != null) {
            Path dir = LanguageModelFiles.modelDir(initFrom);
            SpikingConfig saved = SpikeGpt2Config.load(dir.resolve("config.json")).spiking();
            SpikingConfig spiking = spikingOptions.given() ? spikingOptions.apply(saved) : saved;
            SpikeGpt2LMHeadModel model = SpikeGpt2Loader.builder().setModelDir(dir).optSpiking(spiking).build().loadLanguageModel(manager);
            if (model.getConfig().vocabSize() != vocab) {
                throw new IllegalArgumentException(dir + " has a vocabulary of " + model.getConfig().vocabSize() + ", the tokenizer " + vocab);
            }
            return model;
        }
        SpikingConfig spiking = spikingOptions.given() ? spikingOptions.apply(SpikingConfig.ANN) : SpikingConfig.ANN;
        SpikeGpt2Config config = SpikeGpt2Config.builder()
                .optVocabSize(vocab)
                .optNPositions(context)
                .optNEmbd(hidden)
                .optNLayer(layers)
                .optNHead(heads)
                .optBosTokenId(vocab - 1)
                .optEosTokenId(vocab - 1)
                .optDropout(0f)
                .optSpiking(spiking)
                .build();
        SpikeGpt2LMHeadModel model = new SpikeGpt2LMHeadModel(config);
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
        model.initialize(manager);
        return model;
    }

    private static long parameterCount(SpikeGpt2LMHeadModel model) {
        return HfWeights.parameters(model).entrySet().stream()
                .filter(e -> !e.getKey().endsWith(".alpha"))
                .mapToLong(e -> e.getValue().getArray().size())
                .sum();
    }
}
