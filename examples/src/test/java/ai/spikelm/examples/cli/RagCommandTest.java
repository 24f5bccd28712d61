package ai.spikelm.examples.cli;

import static ai.spikelm.examples.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.gpt2.Gpt2TokenizerJson;
import ai.spikelm.zoo.gpt2.SpikeGpt2Config;
import ai.spikelm.zoo.gpt2.SpikeGpt2LMHeadModel;
import ai.spikelm.zoo.gpt2.SpikeGpt2Loader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spikelm rag} on a few KB of public-domain prose with the embedded all-MiniLM-L6-v2. */
class RagCommandTest {

    static final String DOCS = Path.of("src/test/resources/rag-docs").toAbsolutePath().toString();

    @Test
    void theAnsweringPassageRanksFirst() {
        String[][] cases = {
            {"Why did Alice think her sister's book was of no use?", "alice.txt", "no pictures or conversations"},
            {"What did God call the light?", "genesis.md", "God called the light Day"},
            {"Why did Ishmael go to sea when he had no money?", "moby-dick.txt", "little or no money in my purse"},
            {"Who sat on the throne of France?", "two-cities.txt", "throne of France"},
        };
        for (String[] c : cases) {
            String[] r = run("rag", "--docs", DOCS, "--question", c[0], "--top", "3");
            assertEquals("0", r[0], r[2]);
            List<String> lines = r[1].lines().toList();
            assertEquals(3, lines.size(), r[1]);
            assertTrue(lines.get(0).startsWith("1. [") && lines.get(0).contains("] " + c[1] + ": "), c[0] + "\n" + r[1]);
            assertTrue(lines.get(0).contains(c[2]), c[0] + "\n" + r[1]);
            double first = Double.parseDouble(lines.get(0).substring(4, lines.get(0).indexOf(']')));
            double second = Double.parseDouble(lines.get(1).substring(4, lines.get(1).indexOf(']')));
            assertTrue(first >= second && first > 0.3 && first <= 1.0, r[1]);
            assertTrue(r[2].contains("4 documents"), r[2]);
        }
    }

    @Test
    void answersWithAChatModelStreamed(@TempDir Path dir) throws Exception {
        // A small random byte-level SpikeLM GPT-2: the answer is noise, but it must come through the
        // retrieval-augmented AI service, streamed, with the passages dropped from the front if needed.
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(Gpt2TokenizerJson.byteSymbol(b)), b);
        }
        vocab.put(Gpt2TokenizerJson.END_OF_TEXT, 256);
        Files.writeString(dir.resolve("tokenizer.json"),
                Gpt2TokenizerJson.convert(vocab, List.of(), List.of(Gpt2TokenizerJson.END_OF_TEXT)));
        SpikeGpt2Config config = SpikeGpt2Config.builder()
                .optVocabSize(257).optNPositions(256).optNEmbd(32).optNLayer(1).optNHead(2)
                .optBosTokenId(256).optEosTokenId(256).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = new SpikeGpt2LMHeadModel(config);
            model.initialize(manager);
            SpikeGpt2Loader.save(model, dir);
        }
        String[] r = run("rag", "--docs", DOCS, "--question", "What did God call the light?", "--top", "2",
                "--chat-model", dir.toString(), "--chat-time-steps", "2", "--max-new-tokens", "6");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].lines().anyMatch(l -> l.startsWith("Answer: ")), r[1]);
        assertTrue(r[2].contains("outputTokenCount"), r[2]);
    }

    @Test
    void scoresTheSampleQuestionsOverTheEmbeddedSampleText(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("rag.json");
        String[] r = run("rag", "--questions", "sample", "--top", "3", "--json", json.toString());
        assertEquals("0", r[0], r[2]);
        JsonNode scores = new ObjectMapper().readTree(json.toFile());
        assertEquals(8, scores.get("questions").asInt());
        List<Integer> ranks = new java.util.ArrayList<>();
        scores.get("ranks").forEach(n -> ranks.add(n.asInt()));
        assertEquals(8, ranks.size());
        assertEquals(ranks.stream().filter(k -> k == 1).count() / 8.0, scores.get("hit_at_1").asDouble(), 1e-12);
        assertTrue(scores.get("hit_at_1").asDouble() >= 0.5, "the ANN finds most answers first: " + scores);
        assertTrue(scores.get("mrr").asDouble() >= scores.get("hit_at_1").asDouble(), scores.toString());
        assertTrue(r[1].contains("hit@1 ") && r[1].contains("8 questions"), r[1]);
    }

    @Test
    void errorsAreOneLine(@TempDir Path empty) {
        String[] both = run("rag", "--question", "x", "--questions", "sample");
        assertEquals("1", both[0]);
        assertTrue(both[2].contains("one of --question"), both[2]);
        String[] badFile = run("rag", "--questions", empty.resolve("q.tsv").toString());
        assertEquals("1", badFile[0]);
        assertTrue(badFile[2].contains("q.tsv") && !badFile[2].contains("\tat "), badFile[2]);
        String[] missing = run("rag", "--docs", empty.resolve("nope").toString(), "--question", "x");
        assertEquals("1", missing[0]);
        assertTrue(missing[2].startsWith("spikelm rag: error: --docs "), missing[2]);
        assertFalse(missing[2].contains("\tat "), missing[2]);
        String[] none = run("rag", "--docs", empty.toString(), "--question", "x");
        assertEquals("1", none[0]);
        assertTrue(none[2].contains("No text files"), none[2]);
        String[] badChat = run("rag", "--docs", DOCS, "--question", "x", "--chat-model", empty.toString());
        assertEquals("1", badChat[0]);
        assertTrue(badChat[2].contains("spikelm rag: error:"), badChat[2]);
    }
}
