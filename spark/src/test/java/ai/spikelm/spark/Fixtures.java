package ai.spikelm.spark;

import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.eval.StsEvaluator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Generated sentences and files for the Spark tests, and the test session. */
final class Fixtures {

    private static final String[] SUBJECTS = {
        "A man", "The old woman", "A small child", "Two dogs", "The teacher", "A group of students", "My neighbour",
        "The pilot", "A young musician", "The farmer"
    };
    private static final String[] VERBS = {
        "is playing", "reads", "is cooking", "walks along", "paints", "is repairing", "watches", "carries"
    };
    private static final String[] OBJECTS = {
        "a guitar", "the newspaper", "dinner for the whole family", "the quiet river", "a portrait of the sea",
        "an old bicycle", "the evening news", "a heavy wooden box"
    };
    private static final String[] TAILS = {
        ".", " in the park.", " before the sun goes down.", " while it rains outside.",
        " with great care and patience, as if nothing else in the whole world mattered to anyone at all."
    };

    private static Path spikingModel;

    private Fixtures() {}

    /**
     * The embedded MiniLM converted to SpikeLM T=4, calibrated on the sample text and saved in
     * Hugging Face layout, once per JVM. Tests load it from there, so the single-process reference
     * and every executor hold the same α, and the test JVM pays for one calibration, before Spark
     * starts.
     */
    static synchronized Path spikingModel() throws IOException {
        if (spikingModel == null) {
            Path dir = Files.createTempDirectory("spikelm-spark-t4");
            EncoderSpec convert = EncoderSpec.builder().optTimeSteps(4).optMeasureEnergy(false).build();
            try (LoadedEncoder encoder = LoadedEncoder.load(convert)) {
                encoder.model().save(dir);
            }
            Files.copy(EmbeddedMiniLm.tokenizerFile(), dir.resolve("tokenizer.json"));
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().deleteOnExit());
            }
            dir.toFile().deleteOnExit();
            spikingModel = dir;
        }
        return spikingModel;
    }

    /** The saved T=4 model as a spec with that batch size (its own spiking settings, no calibration). */
    static EncoderSpec spiking(int batchSize) throws IOException {
        return EncoderSpec.builder().optModel(spikingModel().toString()).optBatchSize(batchSize).build();
    }

    /** A local session for tests (no UI and few shuffle partitions: see the surefire settings). */
    static SparkSession session(String master) {
        return SparkSession.builder()
                .master(master)
                .appName("spikelm-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }

    /** The {@code i}-th generated sentence: distinct for i below 3200, of varied lengths. */
    static String sentence(int i) {
        return SUBJECTS[i % SUBJECTS.length] + " " + VERBS[(i / 10) % VERBS.length] + " "
                + OBJECTS[(i / 80) % OBJECTS.length] + TAILS[(i * 7 / 3 + i / 640) % TAILS.length];
    }

    /** {@code n} distinct sentences. */
    static List<String> sentences(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(sentence(i * 7 % 3200));
        }
        if (out.stream().distinct().count() != n) {
            throw new IllegalStateException("generated sentences repeat");
        }
        return out;
    }

    /** Writes {@code {"id": i, "text": ...}} lines, ids from 0. */
    static Path jsonl(Path file, List<String> texts) {
        return jsonl(file, texts, 0);
    }

    /** Writes {@code {"id": i, "text": ...}} lines, ids from {@code firstId}. */
    static Path jsonl(Path file, List<String> texts, int firstId) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            lines.add("{\"id\": " + (firstId + i) + ", \"text\": \"" + texts.get(i).replace("\"", "\\\"") + "\"}");
        }
        return write(file, lines);
    }

    /**
     * Writes an STS-B-layout TSV of pairs of generated sentences; the gold score counts the
     * sentence parts the two share (0 to 4), plus a fraction that breaks ties.
     */
    static Path stsb(Path file, int pairs) {
        List<String> lines = new ArrayList<>();
        lines.add("index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore");
        for (int p = 0; p < pairs; p++) {
            int a = p * 13 % 3200;
            int b = p % 3 == 0 ? a + 10 : p % 3 == 1 ? a + 1 : (a * 31 + 7) % 3200;
            double shared = 0;
            shared += (a % SUBJECTS.length) == (b % SUBJECTS.length) ? 1 : 0;
            shared += ((a / 10) % VERBS.length) == ((b / 10) % VERBS.length) ? 1 : 0;
            shared += ((a / 80) % OBJECTS.length) == ((b / 80) % OBJECTS.length) ? 1 : 0;
            shared += sentence(a).endsWith(sentence(b).substring(sentence(b).lastIndexOf(' '))) ? 1 : 0;
            double score = Math.min(5, shared * 1.2 + (p % 10) / 20.0);
            lines.add(p + "\tmain-captions\tMSRvid\t2012test\t" + p + "\tnone\tnone\t" + sentence(a) + "\t" + sentence(b)
                    + "\t" + String.format(java.util.Locale.ROOT, "%.3f", score));
        }
        write(file, lines);
        try {
            StsEvaluator.readGlueStsb(file); // the fixture must be valid for the single-process reader
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static Path write(Path file, List<String> lines) {
        try {
            return Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
