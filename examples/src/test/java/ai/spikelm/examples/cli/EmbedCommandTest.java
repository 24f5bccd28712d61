package ai.spikelm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelKind;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spikelm embed} on real inputs: a file of lines, JSONL with a field, standard input, JSON
 * lines out, and a 20,000-line file at T = 4 in a child JVM whose resident memory is sampled: it
 * must not grow with the number of lines. A tiny random encoder with the real all-MiniLM-L6-v2
 * tokenizer keeps the test quick; the command is the same for the real model.
 */
class EmbedCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dir;
    static Path model;

    @BeforeAll
    static void saveTinyEncoder() throws IOException {
        model = dir.resolve("tiny");
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(1);
            ModelFamilies.forModelType("bert")
                    .create(ModelKind.ENCODER, new ModelShape(30522, 128, 32, 2, 4), SpikingConfig.ANN, manager)
                    .save(model);
        }
        try (InputStream in = EmbedCommandTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, model.resolve("tokenizer.json"));
        }
    }

    private static String[] embed(String... args) {
        List<String> all = new ArrayList<>(List.of("embed", "--model", model.toString()));
        all.addAll(List.of(args));
        return CliRunner.run(all.toArray(String[]::new));
    }

    private static List<JsonNode> lines(String jsonl) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new StringReader(jsonl))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static float[] vector(JsonNode record) {
        JsonNode v = record.get("embedding");
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }

    @Test
    void aFileOfLinesBecomesJsonLinesInOrderWithLineNumbers() throws IOException {
        Path file = Files.writeString(dir.resolve("texts.txt"), "A man is playing a guitar.\n\nThe stock market fell.\r\nCats sleep.\n");
        String[] r = embed("--file", file.toString(), "-T", "2", "--batch-size", "2");
        assertEquals("0", r[0], r[2]);
        List<JsonNode> records = lines(r[1]);
        assertEquals(3, records.size(), r[1]);
        long[] expectedLines = {1, 3, 4};
        String[] texts = {"A man is playing a guitar.", "The stock market fell.", "Cats sleep."};
        for (int i = 0; i < 3; i++) {
            assertEquals(i, records.get(i).get("index").asInt());
            assertEquals(expectedLines[i], records.get(i).get("line").asLong());
            assertEquals(32, records.get(i).get("embedding").size());
            // The same text given as an argument gets the same vector (and token count).
            List<JsonNode> alone = lines(embed("--json", "-T", "2", texts[i])[1]);
            assertArrayEquals(vector(alone.get(0)), vector(records.get(i)), 1e-6f, texts[i]);
            assertEquals(alone.get(0).get("tokens").asInt(), records.get(i).get("tokens").asInt());
        }
        assertTrue(records.get(0).get("tokens").asInt() > 2);
    }

    @Test
    void jsonlWithAFieldAndStandardInputReadTheSameTexts() throws IOException {
        Path jsonl = Files.writeString(dir.resolve("texts.jsonl"),
                "{\"id\": 1, \"body\": \"A man is playing a guitar.\"}\n\n{\"id\": 2, \"body\": \"Cats sleep.\"}\n");
        List<JsonNode> fromJsonl = lines(embed("--file", jsonl.toString(), "--json-field", "body")[1]);
        assertEquals(2, fromJsonl.size());
        assertEquals(3, fromJsonl.get(1).get("line").asInt());

        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("A man is playing a guitar.\nCats sleep.\n".getBytes(StandardCharsets.UTF_8)));
            List<JsonNode> fromStdin = lines(embed("--file", "-")[1]);
            assertEquals(2, fromStdin.size());
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(vector(fromJsonl.get(i)), vector(fromStdin.get(i)), 0f);
            }
        } finally {
            System.setIn(stdin);
        }

        Path out = dir.resolve("out.jsonl");
        String[] toFile = embed("--file", jsonl.toString(), "--json-field", "body", "--output", out.toString());
        assertEquals("0", toFile[0], toFile[2]);
        assertEquals("", toFile[1]);
        assertArrayEquals(vector(fromJsonl.get(0)), vector(lines(Files.readString(out)).get(0)), 0f);
    }

    @Test
    void badInputsAreOneLineErrorsNamingTheFileAndLine() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.jsonl"), "{\"text\": \"fine\"}\n{\"text\": 3}\n");
        String[] r = embed("--file", broken.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("broken.jsonl: line 2: no string field \"text\""), r[2]);
        assertFalse(r[2].contains("\tat "), r[2]);

        String[] both = embed("--file", broken.toString(), "a text");
        assertEquals("2", both[0]);
        assertTrue(both[2].contains("not both"), both[2]);
        String[] none = embed();
        assertEquals("2", none[0]);
        String[] fieldAlone = embed("--json-field", "text", "a text");
        assertTrue(fieldAlone[2].contains("--json-field reads --file"), fieldAlone[2]);
        String[] noBudget = embed("--max-batch-tokens", "0", "a text");
        assertEquals("2", noBudget[0]);
        assertTrue(noBudget[2].contains("--max-batch-tokens must be at least 1, got 0"), noBudget[2]);

        Path longLine = Files.writeString(dir.resolve("long.txt"), "short\n" + "word ".repeat(300) + "\n");
        String[] rejected = embed("--file", longLine.toString(), "--max-length", "64", "--long-inputs", "reject");
        assertEquals("1", rejected[0]);
        assertTrue(rejected[2].contains("Text 1 has 302 tokens, more than maxLength 64"), rejected[2]);
        List<JsonNode> windows =
                lines(embed("--file", longLine.toString(), "--max-length", "64", "--long-inputs", "average_windows")[1]);
        assertEquals(302 + 2 * 4, windows.get(1).get("tokens").asInt(), "300 words in 5 windows of 62, with [CLS] and [SEP] each");
        List<JsonNode> truncated = lines(embed("--file", longLine.toString(), "--max-length", "64")[1]);
        assertEquals(64, truncated.get(1).get("tokens").asInt());
    }

    /**
     * 20,000 lines at T = 4 through a child JVM with RSS sampled every 50 ms, against 2,000 lines:
     * the peak must not grow with the input (it would by gigabytes if every text went into one
     * batch, as before), and the output must have every line.
     */
    @Test
    void twentyThousandLinesAtT4RunInBoundedMemory() throws Exception {
        List<String> sample = CalibrationSet.sampleLines();
        Path big = dir.resolve("big.txt");
        Path small = dir.resolve("small.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            lines.add(i + ": " + sample.get(i % sample.size()));
        }
        Files.write(big, lines, StandardCharsets.UTF_8);
        Files.write(small, lines.subList(0, 2_000), StandardCharsets.UTF_8);
        long smallPeak = childPeakMegabytes(small, 2_000);
        long bigPeak = childPeakMegabytes(big, 20_000);
        System.out.printf(Locale.ROOT, "embed at T=4, peak resident memory: %d MB for 2,000 lines, %d MB for 20,000 lines%n",
                smallPeak, bigPeak);
        assertTrue(bigPeak < 1500, "peak RSS " + bigPeak + " MB");
        assertTrue(bigPeak - smallPeak < 100, "RSS grew from " + smallPeak + " to " + bigPeak + " MB with 10x the lines");
    }

    /**
     * Runs embed on a file in a child JVM and returns its sampled peak RSS. The heap is fixed at
     * 128 MB and touched up front, so that what can grow is what the input costs outside it.
     */
    private static long childPeakMegabytes(Path input, int expectedLines) throws Exception {
        Path out = dir.resolve(input.getFileName() + ".jsonl");
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m",
                "-Xmx128m",
                "-XX:+AlwaysPreTouch",
                "-Dai.djl.pytorch.num_threads=1",
                "-cp", System.getProperty("java.class.path"),
                SpikeLmCli.class.getName(),
                "embed", "--model", model.toString(), "--file", input.toString(), "-T", "4", "--batch-size", "32",
                "--output", out.toString());
        Path log = dir.resolve(input.getFileName() + ".log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path status = Path.of("/proc", Long.toString(child.pid()), "status");
        long peak = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(60); // generous: a shared, busy machine
        while (child.isAlive() && System.nanoTime() < deadline) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:")) {
                        peak = Math.max(peak, Long.parseLong(line.replaceAll("\\D", "")) / 1024);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the child has just exited
            }
            Thread.sleep(50);
        }
        assertTrue(child.waitFor(1, TimeUnit.MINUTES), "the child must finish");
        assertEquals(0, child.exitValue(), Files.readString(log));
        try (var written = Files.lines(out)) {
            assertEquals(expectedLines, written.count());
        }
        return peak;
    }
}
