package ai.spikelm.langchain4j;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.convert.BertCheckpointImport;
import ai.spikelm.zoo.core.BurstTrimmer;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.NativeMemory;
import ai.spikelm.zoo.core.SpikingConfig;
import dev.langchain4j.data.segment.TextSegment;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A memory soak of {@link SpikeLmEmbeddingModel}: bursts of embedding calls from many threads,
 * with the resident size ({@code VmRSS}) sampled after loading, after a warm-up burst, after every
 * further burst once the pool has gone idle, and after {@code close()}, and the peak ({@code
 * VmHWM}). Run in a JVM of its own so that nothing else moves the numbers; prints one JSON line.
 *
 * <p>Arguments: {@code threads callsPerThread textsPerCall bursts timeSteps|ann [modelDir]}; without
 * a model directory it converts the embedded all-MiniLM-L6-v2. {@code EmbeddingSoakTest} runs it
 * small; see there for a realistic run.
 */
final class EmbeddingSoak {

    private EmbeddingSoak() {}

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int calls = Integer.parseInt(args[1]);
        int textsPerCall = Integer.parseInt(args[2]);
        int bursts = Integer.parseInt(args[3]);
        Integer timeSteps = args[4].equals("ann") ? null : Integer.valueOf(args[4]);
        long start = mb(NativeMemory.residentBytes().orElse(0));
        Path model = args.length > 5 ? Path.of(args[5]) : miniLm(Files.createTempDirectory("soak"));
        List<String> lines = CalibrationSet.sampleLines();
        List<Long> afterBursts = new ArrayList<>();
        long loaded;
        long afterWarmUp;
        try (SpikeLmEmbeddingModel embeddings = SpikeLmEmbeddingModel.builder().modelPath(model).timeSteps(timeSteps).build()) {
            idle();
            loaded = mb(NativeMemory.residentBytes().orElse(0));
            burst(embeddings, threads, calls, textsPerCall, lines);
            idle();
            afterWarmUp = mb(NativeMemory.residentBytes().orElse(0));
            NativeMemory.resetPeak();
            for (int b = 0; b < bursts; b++) {
                burst(embeddings, threads, calls, textsPerCall, lines);
                idle();
                afterBursts.add(mb(NativeMemory.residentBytes().orElse(0)));
            }
        }
        long peak = mb(NativeMemory.peakResidentBytes().orElse(0));
        idle();
        long closed = mb(NativeMemory.residentBytes().orElse(0));
        System.out.printf(Locale.ROOT,
                "{\"threads\": %d, \"calls_per_thread\": %d, \"texts_per_call\": %d, \"bursts\": %d, \"time_steps\": \"%s\","
                        + " \"trim\": %s, \"rss_start_mb\": %d, \"rss_loaded_mb\": %d, \"rss_after_warmup_mb\": %d,"
                        + " \"rss_peak_mb\": %d, \"rss_after_bursts_mb\": %s, \"rss_after_close_mb\": %d}%n",
                threads, calls, textsPerCall, bursts, args[4],
                !"false".equals(System.getProperty("spikelm.memory.trim")) && NativeMemory.canTrim(),
                start, loaded, afterWarmUp, peak, afterBursts, closed);
    }

    /** Every thread makes its calls at once; each call embeds a few real sentences. */
    private static void burst(SpikeLmEmbeddingModel model, int threads, int calls, int textsPerCall, List<String> lines)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int c = 0; c < calls; c++) {
                        List<TextSegment> segments = new ArrayList<>();
                        for (int i = 0; i < textsPerCall; i++) {
                            segments.add(TextSegment.from(lines.get((first * 7 + c * textsPerCall + i) % lines.size())));
                        }
                        model.embedAll(segments);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Past the pool's trim delay. */
    private static void idle() throws InterruptedException {
        Thread.sleep(BurstTrimmer.TRIM_DELAY_MILLIS * 3);
    }

    private static long mb(long bytes) {
        return bytes >> 20;
    }

    /** The embedded all-MiniLM-L6-v2 as a Hugging Face folder. */
    static Path miniLm(Path dir) throws Exception {
        Path onnx = dir.resolve("minilm.onnx");
        try (InputStream in = EmbeddingSoak.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            Files.copy(in, onnx);
        }
        Path model = dir.resolve("minilm");
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertLoader.save(BertCheckpointImport.fromOnnx(onnx).toModel(manager, SpikingConfig.ANN, "BertModel", false), model);
        }
        try (InputStream in = EmbeddingSoak.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, model.resolve("tokenizer.json"));
        }
        Files.delete(onnx);
        return model;
    }
}
