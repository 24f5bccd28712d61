package ai.spikelm.examples.cli;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.SpikingConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Forward time of one encoder as ANN, SpikeLM T=1 and T=4 (interleaved rounds, median),",
            "with ratios to the ANN and the resident memory seen after each configuration."
        })
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

    @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds per configuration (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the random token ids (default ${DEFAULT-VALUE}).")
    int seed;

    private static final String[] NAMES = {"ANN", "SpikeLM T=1", "SpikeLM T=4"};

    @Override
    public Integer call() throws IOException {
        if (batch < 1 || sequenceLength < 2 || rounds < 1) {
            throw new IllegalArgumentException("--batch, --rounds must be >= 1 and --seq-len >= 2");
        }
        PrintWriter out = spec.commandLine().getOut();
        ModelSource source = new ModelSource(model, null, allowPickle);
        SpikingConfig[] settings = {
            SpikingConfig.ANN,
            SpikingConfig.builder().optTimeSteps(1).build(),
            SpikingConfig.builder().optTimeSteps(4).build()
        };
        long[][] times = new long[settings.length][rounds];
        long[] rss = new long[settings.length];
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
            for (SpikeBertPreTrainedModel m : models) {
                run(m, store, input); // warm-up; calibrates the spiking models
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < models.size(); i++) {
                    long start = System.nanoTime();
                    run(models.get(i), store, input);
                    times[i][r] = System.nanoTime() - start;
                    rss[i] = Math.max(rss[i], residentMegabytes());
                }
            }
        }
        out.printf(Locale.ROOT, "%s, batch %d x %d tokens, %d interleaved rounds (median):%n", source.name(), batch,
                sequenceLength, rounds);
        double ann = median(times[0]);
        for (int i = 0; i < settings.length; i++) {
            double t = median(times[i]);
            out.printf(Locale.ROOT, "  %-12s %8.1f ms  %5.2fx ANN   resident memory %d MB%n", NAMES[i], t / 1e6, t / ann, rss[i]);
        }
        out.printf(Locale.ROOT, "  peak resident memory of the process: %d MB%n", peakMegabytes());
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

    static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    static long residentMegabytes() {
        return status("VmRSS:");
    }

    static long peakMegabytes() {
        return status("VmHWM:");
    }

    /** Reads a memory figure of this process from /proc (Linux), in MB; -1 elsewhere. */
    private static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
