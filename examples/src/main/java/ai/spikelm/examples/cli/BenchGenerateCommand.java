package ai.spikelm.examples.cli;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.family.CausalLmModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelKind;
import ai.spikelm.zoo.generate.CausalLanguageModel;
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
 * Per-token decoding latency of one causal language model (GPT-2 layout) as ANN, SpikeLM T = 1 and T = 4, with the
 * key/value cache, at several context lengths: measured interleaved in one run, so that machine
 * noise hits every configuration alike.
 */
@Command(
        name = "bench-generate",
        mixinStandardHelpOptions = true,
        description =
                "Per-token decoding latency with the KV cache at several context lengths, ANN vs "
                + "SpikeLM T=1 vs T=4 (interleaved rounds, median), with tokens/s and ratios.")
final class BenchGenerateCommand implements Callable<Integer> {

    private static final String[] NAMES = {"ANN", "SpikeLM T=1", "SpikeLM T=4"};

    @Spec CommandSpec spec;

    @Option(names = "--model", description = "GPT-2-layout model (default: a random model of the sizes below).")
    String model;

    @Option(names = "--layers", defaultValue = "6", description = "Layers of the random model (default ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = "384", description = "Width of the random model (default ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--heads", defaultValue = "6", description = "Heads of the random model (default ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--vocab", defaultValue = "257", description = "Vocabulary of the random model (default ${DEFAULT-VALUE}, byte level).")
    int vocab;

    @Option(names = "--contexts", split = ",", defaultValue = "32,512", description = "Context lengths before the timed tokens (default ${DEFAULT-VALUE}).")
    int[] contexts;

    @Option(names = "--tokens", defaultValue = "16", description = "Timed tokens per measurement (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--rounds", defaultValue = "3", description = "Interleaved rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws IOException {
        if (tokens < 1 || rounds < 1 || contexts.length == 0) {
            throw new IllegalArgumentException("--tokens and --rounds must be >= 1, with at least one context");
        }
        PrintWriter out = spec.commandLine().getOut();
        SpikingConfig[] settings = {
            SpikingConfig.ANN, SpikingConfig.builder().optTimeSteps(1).build(), SpikingConfig.builder().optTimeSteps(4).build()
        };
        // [setting][context][round] nanoseconds per decoded token
        double[][][] perToken = new double[settings.length][contexts.length][rounds];
        try (NDManager manager = NDManager.newBaseManager()) {
            List<CausalLmModel> models = new ArrayList<>();
            for (SpikingConfig s : settings) {
                models.add(load(manager, s));
            }
            int window = models.get(0).contextLength();
            for (int c : contexts) {
                if (c < 1 || c + tokens > window) {
                    throw new IllegalArgumentException("context " + c + " + " + tokens + " tokens does not fit the model's window of " + window);
                }
            }
            Random random = new Random(7);
            long[] text = new long[window];
            for (int i = 0; i < text.length; i++) {
                text[i] = random.nextInt(models.get(0).vocabSize());
            }
            for (CausalLmModel m : models) {
                decode(m, manager, text, contexts[0], tokens); // warm-up; calibrates the spiking models
            }
            for (int r = 0; r < rounds; r++) {
                for (int c = 0; c < contexts.length; c++) {
                    for (int i = 0; i < models.size(); i++) {
                        perToken[i][c][r] = decode(models.get(i), manager, text, contexts[c], tokens);
                    }
                }
            }
            out.printf(Locale.ROOT, "%s, per-token latency with the KV cache, %d tokens after each context, %d interleaved rounds (median):%n",
                    model == null ? String.format(Locale.ROOT, "random GPT-2 %d x %d, vocab %d", layers, hidden, vocab) : model, tokens, rounds);
            StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-12s", ""));
            for (int c : contexts) {
                header.append(String.format(Locale.ROOT, " %18s", "context " + c));
            }
            out.println(header + String.format(Locale.ROOT, "  %s", "last/first context"));
            for (int i = 0; i < settings.length; i++) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-12s", NAMES[i]));
                for (int c = 0; c < contexts.length; c++) {
                    double ms = InterleavedRounds.median(perToken[i][c]) / 1e6;
                    double ann = InterleavedRounds.median(perToken[0][c]) / 1e6;
                    row.append(String.format(Locale.ROOT, " %6.2f ms %4.2fx", ms, ms / ann));
                }
                double flat = InterleavedRounds.median(perToken[i][contexts.length - 1]) / InterleavedRounds.median(perToken[i][0]);
                row.append(String.format(Locale.ROOT, "  %.2f", flat));
                out.println(row);
            }
            for (int i = 0; i < settings.length; i++) {
                out.printf(Locale.ROOT, "  %-12s %7.1f tokens/s at context %d%n", NAMES[i],
                        1e9 / InterleavedRounds.median(perToken[i][0]), contexts[0]);
            }
            out.printf(Locale.ROOT, "  peak resident memory of the process: %d MB%n", InterleavedRounds.peakMegabytes());
        }
        out.flush();
        return 0;
    }

    private CausalLmModel load(NDManager manager, SpikingConfig spiking) throws IOException {
        if (model != null) {
            // Not calibrated on load: the warm-up calibrates every configuration alike.
            return ModelFamilies.loadCausalLm(
                    LoadRequest.builder().setModelDir(LanguageModelFiles.modelDir(model)).optSpiking(spiking).optCalibration(null).build(),
                    manager);
        }
        manager.getEngine().setRandomSeed(7); // same random weights in every configuration
        return (CausalLmModel) ModelFamilies.forModelType("gpt2")
                .create(ModelKind.CAUSAL_LM, new ModelShape(vocab, 1024, hidden, layers, heads), spiking, manager);
    }

    /** Fills the cache with {@code context} tokens, then returns the mean time of the next tokens, one at a time. */
    private static double decode(CausalLmModel model, NDManager manager, long[] text, int context, int tokens) {
        try (NDManager scope = manager.newSubManager();
                CausalLanguageModel.Session session = model.newSession(scope)) {
            session.append(java.util.Arrays.copyOf(text, context));
            long start = System.nanoTime();
            for (int t = 0; t < tokens; t++) {
                session.append(new long[] {text[context + t]});
            }
            return (System.nanoTime() - start) / (double) tokens;
        }
    }
}
