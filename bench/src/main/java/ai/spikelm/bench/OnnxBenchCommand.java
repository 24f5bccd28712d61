package ai.spikelm.bench;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtException;
import ai.spikelm.examples.cli.InterleavedRounds;
import ai.spikelm.ops.kernel.NativeKernels;
import ai.spikelm.ops.nn.SpikingLinear;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.convert.ImportedBert;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.djl.InferenceThreads;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * all-MiniLM-L6-v2 run by ONNX Runtime from its original ONNX file, and by SpikeLM on the same
 * weights as ANN and as SpikeLM at each T, in interleaved rounds in one JVM ({@link
 * InterleavedRounds}) with the same number of threads per operation in both engines. Per batch
 * size: median and range of each configuration's time, and of its per-round ratio to ONNX
 * Runtime. Before any timing, SpikeLM's ANN output must equal ONNX Runtime's within the tolerance.
 */
@Command(
        name = "onnx",
        mixinStandardHelpOptions = true,
        description = "all-MiniLM-L6-v2: ONNX Runtime vs SpikeLM ANN, T=1, T=4 on the same weights, interleaved "
                + "rounds in one JVM, same threads per operation; outputs checked equal before timing.")
final class OnnxBenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--sizes",
            split = ",",
            defaultValue = "1x16,8x128,32x128,4x512",
            description = "Batch x tokens, comma-separated (default ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--threads", defaultValue = "1", description = "Threads per operation in both engines (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = {"-T", "--time-steps"}, split = ",", defaultValue = "1,4", description = "SpikeLM time steps (default ${DEFAULT-VALUE}).")
    int[] timeSteps;

    @Option(
            names = "--products",
            split = ",",
            description = "Also time each T with these spike products: EVENTS, EVENT_DELTAS (AVX2), INT8 (lossy, "
                    + "labelled; AVX-512 VNNI), and print how far their outputs are from the dense product's.")
    List<SpikingLinear.SpikeProduct> products = List.of();

    @Option(names = "--rounds", defaultValue = "9", description = "Timed interleaved rounds per size (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed rounds first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "5",
            description = "Untimed rounds go on at least this long per size, so the JVM has compiled its hot paths (default ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the random token ids (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--tolerance",
            defaultValue = "1e-4",
            description = "Largest |ANN - ONNX Runtime| in last_hidden_state before timing (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Override
    public Integer call() throws IOException, OrtException {
        List<int[]> shapes = parseSizes(sizes);
        if (threads < 1 || rounds < 1 || warmup < 1 || !(warmupSeconds >= 0) || timeSteps.length == 0) {
            throw new IllegalArgumentException("--threads, --rounds and --warmup must be >= 1, --warmup-seconds >= 0, with at least one -T");
        }
        PrintWriter out = spec.commandLine().getOut();
        InferenceThreads.setIntraOpThreads(threads); // before any model: the pool is the process's
        for (SpikingLinear.SpikeProduct product : products) {
            if (product == SpikingLinear.SpikeProduct.INT8 && !NativeKernels.isInt8Available()
                    || product != SpikingLinear.SpikeProduct.INT8 && !NativeKernels.isEventsAvailable()) {
                throw new IllegalArgumentException("--products " + product + " does not run here (INT8 needs AVX-512 VNNI, "
                        + "the event products AVX2 and FMA, both the native kernels)");
            }
        }
        List<String> names = new ArrayList<>(List.of("ONNX Runtime", "SpikeLM ANN"));
        List<SpikingConfig> settings = new ArrayList<>(List.of(SpikingConfig.ANN));
        List<SpikingLinear.SpikeProduct> productOf = new ArrayList<>(List.of(SpikingLinear.SpikeProduct.DENSE));
        List<Integer> exactOf = new ArrayList<>(List.of(-1)); // for another product, the index of its dense twin
        for (int t : timeSteps) {
            names.add("SpikeLM T=" + t);
            settings.add(SpikingConfig.builder().optTimeSteps(t).build());
            productOf.add(SpikingLinear.SpikeProduct.DENSE);
            exactOf.add(-1);
            int dense = settings.size() - 1;
            for (SpikingLinear.SpikeProduct product : products) {
                names.add("T=" + t + " " + product.name().toLowerCase(Locale.ROOT).replace('_', '-'));
                settings.add(SpikingConfig.builder().optTimeSteps(t).build());
                productOf.add(product);
                exactOf.add(dense);
            }
        }
        out.printf(Locale.ROOT, "all-MiniLM-L6-v2, %d thread(s) per operation (PyTorch %d, ONNX Runtime %d), %d processors, "
                        + "load average %s%n",
                threads, InferenceThreads.intraOpThreads(), threads, Runtime.getRuntime().availableProcessors(), loadAverage());
        try (NDManager manager = NDManager.newBaseManager();
                OnnxRuntimeEncoder onnx = new OnnxRuntimeEncoder(EmbeddedMiniLm.onnxFile(), threads)) {
            ImportedBert imported = EmbeddedMiniLm.importWeights();
            List<SpikeBertPreTrainedModel> models = new ArrayList<>();
            for (int i = 0; i < settings.size(); i++) {
                SpikeBertPreTrainedModel model = imported.toModel(manager, settings.get(i), "BertModel", false);
                // Calibrated on the embedded sample text over real tokens, as every SpikeLM command does.
                Calibration.calibrate(model, EmbeddedMiniLm.tokenizerFile(), model.shape().maxPositions(), CalibrationSet.sample());
                if (exactOf.get(i) >= 0) {
                    SpikingLinear.useSpikeProduct(model, productOf.get(i));
                }
                models.add(model);
            }
            ParameterStore store = new ParameterStore(manager, false);
            for (int[] shape : shapes) {
                Batch batch = Batch.random(shape[0], shape[1], seed);
                float[] reference = onnx.lastHiddenState(batch.ids, batch.mask, batch.types);
                float[] ann = batch.run(models.get(0), store, manager);
                double worst = maxAbsDifference(reference, ann);
                out.printf(Locale.ROOT, "%n%d x %d tokens: SpikeLM ANN vs ONNX Runtime last_hidden_state max |diff| %.3g", shape[0], shape[1], worst);
                if (!(worst <= tolerance)) {
                    out.printf(Locale.ROOT, " > tolerance %.3g: not timed%n", tolerance);
                    out.flush();
                    return 1;
                }
                List<float[]> outputs = new ArrayList<>(List.of(ann));
                for (int i = 1; i < models.size(); i++) {
                    float[] output = batch.run(models.get(i), store, manager);
                    outputs.add(output);
                    out.printf(Locale.ROOT, "; %s mean-pooled cosine %.4f", names.get(i + 1), meanCosine(reference, output, shape[0], shape[1]));
                    if (exactOf.get(i) >= 0) {
                        out.printf(Locale.ROOT, " (%.4f to the dense product)", meanCosine(outputs.get(exactOf.get(i)), output, shape[0], shape[1]));
                    }
                }
                out.println();
                List<Runnable> runs = new ArrayList<>();
                runs.add(() -> {
                    try {
                        onnx.lastHiddenState(batch.ids, batch.mask, batch.types);
                    } catch (OrtException e) {
                        throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
                    }
                });
                for (SpikeBertPreTrainedModel m : models) {
                    runs.add(() -> batch.run(m, store, manager));
                }
                InterleavedRounds timed = InterleavedRounds.measure(runs, warmup, warmupSeconds, rounds);
                report(out, names, timed, shape);
            }
        }
        out.printf(Locale.ROOT, "%npeak resident memory of the process: %d MB; load average at the end %s%n",
                InterleavedRounds.peakMegabytes(), loadAverage());
        out.flush();
        return 0;
    }

    private void report(PrintWriter out, List<String> names, InterleavedRounds timed, int[] shape) {
        out.printf(Locale.ROOT, "  at least %d warm-up rounds and %.0f s, then %d interleaved rounds%n", warmup, warmupSeconds, rounds);
        out.printf(Locale.ROOT, "  %-14s %9s %19s %9s %15s %9s %8s%n",
                "", "median ms", "(min - max)", "x ORT", "(ratio range)", "x ANN", "RSS MB");
        for (int i = 0; i < names.size(); i++) {
            double[] ms = timed.milliseconds(i);
            double[] ratios = timed.ratios(i, 0);
            double[] toAnn = timed.ratios(i, 1);
            out.printf(Locale.ROOT, "  %-14s %9.2f %8.2f - %8.2f %9.2f %7.2f - %5.2f %9.2f %8d%n",
                    names.get(i), InterleavedRounds.median(ms), InterleavedRounds.min(ms), InterleavedRounds.max(ms),
                    InterleavedRounds.median(ratios), InterleavedRounds.min(ratios), InterleavedRounds.max(ratios),
                    InterleavedRounds.median(toAnn), timed.residentMegabytes(i));
        }
        double tokens = (double) shape[0] * shape[1];
        out.printf(Locale.ROOT, "  tokens/s: ONNX Runtime %.0f, SpikeLM ANN %.0f%n",
                tokens / (InterleavedRounds.median(timed.milliseconds(0)) / 1e3),
                tokens / (InterleavedRounds.median(timed.milliseconds(1)) / 1e3));
    }

    /** Parses {@code BxL} items. */
    static List<int[]> parseSizes(List<String> sizes) {
        List<int[]> shapes = new ArrayList<>();
        for (String size : sizes) {
            String[] parts = size.trim().toLowerCase(Locale.ROOT).split("x");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                int batch = Integer.parseInt(parts[0]);
                int length = Integer.parseInt(parts[1]);
                if (batch < 1 || length < 2 || length > 512) {
                    throw new IllegalArgumentException(
                            "--sizes " + size + ": batch must be >= 1 and tokens 2..512 (the model's positions)");
                }
                shapes.add(new int[] {batch, length});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--sizes " + size + ": expected BATCHxTOKENS, for example 8x128", e);
            }
        }
        return shapes;
    }

    static double maxAbsDifference(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("outputs of different sizes: " + a.length + " and " + b.length);
        }
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
            if (Double.isNaN(a[i] - b[i])) {
                return Double.NaN;
            }
        }
        return worst;
    }

    /** The mean over the batch of the cosine between mean-pooled rows (every token is real). */
    static double meanCosine(float[] a, float[] b, int batch, int length) {
        int d = a.length / (batch * length);
        double total = 0;
        for (int s = 0; s < batch; s++) {
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int e = 0; e < d; e++) {
                double x = 0;
                double y = 0;
                for (int l = 0; l < length; l++) {
                    x += a[(s * length + l) * d + e];
                    y += b[(s * length + l) * d + e];
                }
                dot += x * y;
                na += x * x;
                nb += y * y;
            }
            total += dot / Math.sqrt(na * nb);
        }
        return total / batch;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | UncheckedIOException | ArrayIndexOutOfBoundsException e) {
            return "unknown";
        }
    }

    /** One batch of random real token ids (no padding), as ONNX Runtime and SpikeLM take it. */
    private static final class Batch {
        final long[][] ids;
        final long[][] mask;
        final long[][] types;
        final long[] flatIds;
        final long[] flatMask;
        final long[] flatTypes;

        private Batch(long[][] ids, long[][] mask, long[][] types) {
            this.ids = ids;
            this.mask = mask;
            this.types = types;
            flatIds = flat(ids);
            flatMask = flat(mask);
            flatTypes = flat(types);
        }

        static Batch random(int batch, int length, long seed) {
            Random random = new Random(seed);
            long[][] ids = new long[batch][length];
            long[][] mask = new long[batch][length];
            long[][] types = new long[batch][length];
            for (int b = 0; b < batch; b++) {
                for (int l = 0; l < length; l++) {
                    ids[b][l] = 1000 + random.nextInt(28000); // word pieces, no special tokens
                    mask[b][l] = 1;
                }
            }
            return new Batch(ids, mask, types);
        }

        private static long[] flat(long[][] rows) {
            int length = rows[0].length;
            long[] out = new long[rows.length * length];
            for (int b = 0; b < rows.length; b++) {
                System.arraycopy(rows[b], 0, out, b * length, length);
            }
            return out;
        }

        /** Runs SpikeLM from Java arrays to last_hidden_state in a Java array, as ONNX Runtime is run. */
        float[] run(SpikeBertPreTrainedModel model, ParameterStore store, NDManager manager) {
            Shape shape = new Shape(ids.length, ids[0].length);
            try (NDManager call = manager.newSubManager()) {
                NDList inputs = new NDList(call.create(flatIds, shape), call.create(flatMask, shape), call.create(flatTypes, shape));
                return model.forward(store, inputs, false).get(0).toFloatArray();
            }
        }
    }
}
