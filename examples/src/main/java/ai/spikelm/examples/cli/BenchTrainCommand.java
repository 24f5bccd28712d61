package ai.spikelm.examples.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.training.AdamW;
import ai.spikelm.zoo.training.BatchSource;
import ai.spikelm.zoo.training.Losses;
import ai.spikelm.zoo.training.Objective;
import ai.spikelm.zoo.training.SpikeLmTrainer;
import ai.spikelm.zoo.training.TrainingBatch;
import ai.spikelm.zoo.training.WarmupLinearSchedule;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Time of one training step of the same encoder as ANN, SpikeLM T = 1 and SpikeLM T = 4, measured
 * interleaved in one run ({@link InterleavedRounds}).
 *
 * <p>A step is what {@link SpikeLmTrainer} runs for a user: the forward pass in training mode
 * (dropout on) on a micro-batch manager with the parameters lent to it, a distillation-like loss
 * (the hidden-state MSE of the embedding output and every layer against fixed targets, the ANN's
 * own hidden states computed once), backward through a gradient collector, and an {@link AdamW}
 * update. The spiking students are calibrated on the batch by the trainer before their first step,
 * during the warm-up.
 */
@Command(
        name = "bench-train",
        mixinStandardHelpOptions = true,
        description =
                "Time of one training step (forward in training mode, hidden-state MSE of every layer against "
                + "fixed targets, backward, AdamW) of one encoder as ANN, SpikeLM T=1 and T=4: interleaved rounds, "
                + "per-round ratios to the ANN of wall time and of CPU time (median and range), tokens/s, busy cores "
                + "and resident memory. "
                + "PyTorch's threads: -Dai.djl.pytorch.num_threads=N before -jar.")
final class BenchTrainCommand implements Callable<Integer> {

    private static final String[] NAMES = {"ANN", "SpikeLM T=1", "SpikeLM T=4"};

    @Spec CommandSpec spec;

    @Option(names = "--model", description = "Model (folder, Hub id, .onnx, ...; default: embedded all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--allow-pickle", description = "Accept pytorch_model.bin (restricted unpickler).")
    boolean allowPickle;

    @Option(names = "--batch-size", defaultValue = "32", description = "Sequences per step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--seq-len",
            split = ",",
            defaultValue = "64",
            description = "Tokens per sequence; several (64,128) are measured one after the other (default ${DEFAULT-VALUE}).")
    int[] sequenceLengths;

    @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds per configuration (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--warmup",
            defaultValue = "2",
            description = "Untimed rounds first; the first also calibrates the spiking models (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--lr", defaultValue = "1e-5", description = "AdamW's constant learning rate (default ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--learnable-alpha", description = "Time the spiking models with α learning (LSQ), as distill --learnable-alpha trains.")
    boolean learnableAlpha;

    @Option(names = "--shared-qkv-alpha", description = "Q, K and V neurons use one α, as distill --shared-qkv-alpha trains.")
    boolean sharedQkvAlpha;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the random token ids (default ${DEFAULT-VALUE}).")
    int seed;

    private SpikingConfig spiking(int timeSteps) {
        return SpikingConfig.builder()
                .optTimeSteps(timeSteps)
                .optAlphaLearnable(learnableAlpha)
                .optSharedQkvAlpha(sharedQkvAlpha)
                .build();
    }

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1 || rounds < 1 || warmup < 1 || sequenceLengths.length == 0) {
            throw new IllegalArgumentException("--batch-size, --rounds and --warmup must be >= 1, with at least one --seq-len");
        }
        for (int length : sequenceLengths) {
            if (length < 2) {
                throw new IllegalArgumentException("--seq-len must be >= 2, got " + length);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        ModelSource source = new ModelSource(model, null, allowPickle);
        SpikingConfig[] settings = {
            SpikingConfig.ANN,
            spiking(1),
            spiking(4)
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            List<SpikeBertPreTrainedModel> models = new ArrayList<>();
            List<AdamW> optimizers = new ArrayList<>();
            try {
                for (SpikingConfig s : settings) {
                    SpikeBertPreTrainedModel m = source.load(manager, saved -> s, "BertModel");
                    models.add(m);
                    optimizers.add(AdamW.builder()
                            .setModel(m)
                            .setLearningRate(WarmupLinearSchedule.constant(learningRate))
                            .build());
                }
                out.printf(Locale.ROOT, "%s, one training step (forward in training mode, hidden-state MSE of %d states, "
                                + "backward, AdamW), α %s, %d warm-up + %d interleaved rounds, PyTorch threads %s, %d processors%n",
                        source.name(), models.get(0).getConfig().numHiddenLayers() + 1,
                        (learnableAlpha ? "learnable" : "frozen") + (sharedQkvAlpha ? ", shared by Q/K/V" : ""), warmup, rounds,
                        BenchCommand.pytorchThreads(), Runtime.getRuntime().availableProcessors());
                for (int length : sequenceLengths) {
                    report(out, measure(manager, models, optimizers, length), length);
                }
            } finally {
                optimizers.forEach(AdamW::close);
            }
        }
        out.printf(Locale.ROOT, "  peak resident memory of the process: %d MB%n", InterleavedRounds.peakMegabytes());
        out.flush();
        return 0;
    }

    /** Times one step per configuration at one sequence length, in interleaved rounds. */
    private InterleavedRounds measure(
            NDManager manager, List<SpikeBertPreTrainedModel> models, List<AdamW> optimizers, int length) {
        EncodedBatch batch = randomBatch(models.get(0).getConfig().vocabSize(), length);
        try (NDManager scope = manager.newSubManager()) {
            NDList targets = hiddenStates(models.get(0), batch, scope);
            Objective<SpikeBertPreTrainedModel> objective = hiddenStateMse(targets);
            TrainingBatch one = TrainingBatch.unlabelled(batch);
            BatchSource data =
                    new BatchSource() {
                        @Override
                        public Iterable<TrainingBatch> epoch(int epoch, Random random) {
                            return List.of(one);
                        }

                        @Override
                        public int batchesPerEpoch() {
                            return 1;
                        }
                    };
            List<SpikeLmTrainer<SpikeBertPreTrainedModel>> trainers = new ArrayList<>();
            try {
                List<Runnable> steps = new ArrayList<>();
                for (int i = 0; i < models.size(); i++) {
                    // One "epoch" is one step on the batch, so the trainer runs exactly what fit() runs per step.
                    SpikeLmTrainer<SpikeBertPreTrainedModel> trainer = SpikeLmTrainer.builder()
                            .setModel(models.get(i))
                            .setObjective(objective)
                            .setTrainData(data)
                            .setOptimizer(optimizers.get(i))
                            .setEpochs(warmup + rounds)
                            .optSeed(seed)
                            .build();
                    trainers.add(trainer);
                    steps.add(() -> {
                        try {
                            trainer.runEpoch();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e); // no checkpoints are written
                        }
                    });
                }
                return InterleavedRounds.measure(steps, warmup, rounds);
            } finally {
                trainers.forEach(SpikeLmTrainer::close);
            }
        }
    }

    private void report(PrintWriter out, InterleavedRounds timed, int length) {
        long tokens = (long) batchSize * length;
        out.printf(Locale.ROOT, "batch %d x %d tokens:%n", batchSize, length);
        out.printf(Locale.ROOT, "  %-12s %9s %19s %9s %15s %10s %15s %10s %6s %9s%n", "", "median", "(min - max) ms",
                "x ANN", "(ratio range)", "CPU x ANN", "(ratio range)", "tokens/s", "cores", "resident");
        for (int i = 0; i < NAMES.length; i++) {
            double[] ms = timed.milliseconds(i);
            double[] ratios = timed.ratios(i, 0);
            double[] cpu = timed.cpuRatios(i, 0);
            out.printf(Locale.ROOT, "  %-12s %9.1f %8.1f - %8.1f %9.2f %7.2f - %5.2f %10.2f %7.2f - %5.2f %10.0f %6.2f %6d MB%n",
                    NAMES[i], InterleavedRounds.median(ms), InterleavedRounds.min(ms), InterleavedRounds.max(ms),
                    InterleavedRounds.median(ratios), InterleavedRounds.min(ratios), InterleavedRounds.max(ratios),
                    InterleavedRounds.median(cpu), InterleavedRounds.min(cpu), InterleavedRounds.max(cpu),
                    tokens / (InterleavedRounds.median(ms) / 1e3), timed.busyCores(i), timed.residentMegabytes(i));
        }
        out.flush();
    }

    /** Random token ids (as {@code bench}), every position real. */
    private EncodedBatch randomBatch(int vocab, int length) {
        Random random = new Random(seed);
        long[][] ids = new long[batchSize][length];
        long[][] mask = new long[batchSize][length];
        long[][] types = new long[batchSize][length];
        for (int b = 0; b < batchSize; b++) {
            for (int l = 0; l < length; l++) {
                ids[b][l] = 1000 + random.nextInt(Math.min(vocab, 29000) - 1000);
                mask[b][l] = 1;
            }
        }
        return new EncodedBatch(ids, mask, types);
    }

    /** The ANN's hidden states on the batch, in inference mode: the fixed targets of every configuration. */
    private static NDList hiddenStates(SpikeBertPreTrainedModel ann, EncodedBatch batch, NDManager manager) {
        try (NDManager pass = manager.newSubManager()) {
            NDList states = ann.forwardWithHiddenStates(new ParameterStore(pass, false), batch.toNDList(pass), false)
                    .hiddenStates();
            NDList kept = new NDList(states.size());
            for (NDArray s : states) {
                NDArray copy = s.duplicate();
                copy.attach(manager);
                kept.add(copy);
            }
            return kept;
        }
    }

    /** Distillation's hidden-state term against fixed targets (the teacher's forward pass left out). */
    private static Objective<SpikeBertPreTrainedModel> hiddenStateMse(NDList targets) {
        return (student, batch, context) -> {
            NDManager manager = context.getManager();
            NDList states = student.forwardWithHiddenStates(
                            context.getParameterStore(), student.inputs(batch.inputs(), manager), true)
                    .hiddenStates();
            return Losses.hiddenStateMse(states, targets, manager.create(batch.inputs().attentionMask()));
        };
    }
}
