package ai.spikelm.examples.cli;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.djl.InferenceThreads;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Forward time of the same encoder as ANN, SpikeLM T = 1 and SpikeLM T = 4, measured interleaved
 * in one run so that machine noise hits all three alike.
 *
 * <p>Each round runs every configuration once, in an order that rotates from round to round (so
 * that no configuration always follows the same one). The ratio to the ANN is computed within each
 * round, from times taken seconds apart, and its median over rounds is reported with its range:
 * on a shared machine this is far steadier than a ratio of separate medians.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Forward time of one encoder as ANN, SpikeLM T=1 and T=4 (interleaved rounds, median), "
                + "with per-round ratios to the ANN (median and range) and the resident memory seen after "
                + "each configuration. PyTorch's threads: -Dai.djl.pytorch.num_threads=N before -jar.")
final class BenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--model", description = "Model (folder, Hub id, .onnx, ...; default: embedded all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--allow-pickle", description = "Accept pytorch_model.bin (restricted unpickler).")
    boolean allowPickle;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq-len", defaultValue = "128", description = "Tokens per sequence (default ${DEFAULT-VALUE}).")
    int sequenceLength;

    @Option(names = "--rounds", defaultValue = "7", description = "Timed rounds per configuration (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--warmup",
            defaultValue = "2",
            description = "Untimed rounds first; the first also calibrates the spiking models (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the random token ids (default ${DEFAULT-VALUE}).")
    int seed;

    private static final String[] NAMES = {"ANN", "SpikeLM T=1", "SpikeLM T=4"};

    @Override
    public Integer call() throws IOException {
        if (batch < 1 || sequenceLength < 2 || rounds < 1 || warmup < 1) {
            throw new IllegalArgumentException("--batch, --rounds, --warmup must be >= 1 and --seq-len >= 2");
        }
        PrintWriter out = spec.commandLine().getOut();
        ModelSource source = new ModelSource(model, null, allowPickle);
        SpikingConfig[] settings = {
            SpikingConfig.ANN,
            SpikingConfig.builder().optTimeSteps(1).build(),
            SpikingConfig.builder().optTimeSteps(4).build()
        };
        InterleavedRounds timed;
        try (NDManager manager = NDManager.newBaseManager()) {
            List<SpikeBertPreTrainedModel> models = new ArrayList<>();
            for (SpikingConfig s : settings) {
                models.add(source.load(manager, saved -> s, "BertModel"));
            }
            int vocab = models.get(0).getConfig().vocabSize();
            manager.getEngine().setRandomSeed(seed);
            NDList input =
                    new NDList(manager.randomInteger(1000, Math.min(vocab, 29000), new Shape(batch, sequenceLength), DataType.INT64));
            ParameterStore store = new ParameterStore(manager, false);
            List<Runnable> runs = new ArrayList<>();
            for (SpikeBertPreTrainedModel m : models) {
                runs.add(() -> run(m, store, input)); // the spiking models were calibrated on the sample text when loaded
            }
            timed = InterleavedRounds.measure(runs, warmup, rounds);
        }
        out.printf(Locale.ROOT, "%s, batch %d x %d tokens, %d warm-up + %d interleaved rounds, %d processors:%n",
                source.name(), batch, sequenceLength, warmup, rounds, Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "  %-12s %9s %19s %9s %15s%n", "", "median", "(min - max) ms", "x ANN", "(ratio range)");
        for (int i = 0; i < settings.length; i++) {
            double[] ratios = timed.ratios(i, 0);
            double[] ms = timed.milliseconds(i);
            out.printf(Locale.ROOT, "  %-12s %9.1f %8.1f - %8.1f %9.2f %7.2f - %5.2f   resident memory %d MB%n",
                    NAMES[i], InterleavedRounds.median(ms), InterleavedRounds.min(ms), InterleavedRounds.max(ms),
                    InterleavedRounds.median(ratios), InterleavedRounds.min(ratios), InterleavedRounds.max(ratios),
                    timed.residentMegabytes(i));
        }
        out.printf(Locale.ROOT, "  peak resident memory of the process: %d MB%n", InterleavedRounds.peakMegabytes());
        out.flush();
        return 0;
    }

    private static void run(SpikeBertPreTrainedModel model, ParameterStore store, NDList input) {
        try (NDManager call = input.get(0).getManager().newSubManager()) {
            NDList local = new NDList(input.get(0).duplicate());
            local.attach(call);
            model.forward(store, local, false).get(0).toFloatArray();
        }
    }

    /**
     * Returns how many threads PyTorch's operators use ({@code -Dai.djl.pytorch.num_threads}, else
     * PyTorch's default), asked of the engine, which the command line has only at run time.
     */
    static String pytorchThreads() {
        try {
            return String.valueOf(InferenceThreads.intraOpThreads());
        } catch (IllegalStateException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
