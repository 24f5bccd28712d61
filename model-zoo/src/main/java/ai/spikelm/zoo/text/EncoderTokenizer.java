package ai.spikelm.zoo.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import ai.djl.util.StringPair;
import ai.spikelm.zoo.core.TokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The tokenising stage of the encoder pipeline: texts (or text pairs) → {@link TokenizedTexts}, each
 * text tokenised once, with the model's {@code tokenizer.json}, special tokens added and no padding.
 * A text longer than {@code maxLength} tokens follows the {@link LongInputPolicy}: its first window
 * ({@code TRUNCATE}, what Hugging Face's truncation gives), all its windows ({@code
 * AVERAGE_WINDOWS}), or an error naming it ({@code REJECT}). A window is a run of consecutive
 * content tokens with the special tokens the tokenizer puts around a sequence ({@code [CLS] …
 * [SEP]}, {@code <s> … </s>}), so every window is a well-formed input; windows do not overlap.
 *
 * <p>Pairs (for cross-encoders) are truncated by the tokenizer itself (longest first, as Hugging
 * Face does) or refused with {@code REJECT}; windows are for single texts. Blank texts are refused.
 * Thread-safe.
 */
public final class EncoderTokenizer implements AutoCloseable {

    private final Path file;
    private final int maxLength;
    private final LongInputPolicy policy;
    private final HuggingFaceTokenizer whole;
    private volatile HuggingFaceTokenizer pairs;

    private EncoderTokenizer(Builder b) throws IOException {
        this.file = b.file;
        this.maxLength = b.maxLength;
        this.policy = b.policy;
        // The whole text, to count it and cut windows; truncation is applied here, by window.
        this.whole = TokenizerFiles.load(file, t -> t
                .optTruncation(false)
                .optMaxLength(maxLength) // not applied (no truncation); set so that DJL does not warn
                .optPadding(false)
                .optAddSpecialTokens(true));
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the {@code tokenizer.json} this tokenizer reads.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the window: the most tokens one row has, special tokens included.
     *
     * @return the window in tokens
     */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Returns what happens to longer texts.
     *
     * @return the policy
     */
    public LongInputPolicy policy() {
        return policy;
    }

    /**
     * Tokenises texts.
     *
     * @param texts the texts, none blank
     * @return the rows
     * @throws IllegalArgumentException naming the first blank text, or a text longer than the
     *     window under {@link LongInputPolicy#REJECT}
     */
    public TokenizedTexts encode(List<String> texts) {
        return encode(texts, 0);
    }

    /**
     * Tokenises texts that are part of a longer input, so that errors name a text by its place in
     * the whole input.
     *
     * @param texts the texts, none blank
     * @param firstIndex the index of {@code texts.get(0)} in the whole input
     * @return the rows
     * @throws IllegalArgumentException naming the first blank text, or a text longer than the
     *     window under {@link LongInputPolicy#REJECT}
     */
    public TokenizedTexts encode(List<String> texts, long firstIndex) {
        for (int i = 0; i < texts.size(); i++) {
            requireText(texts.get(i), firstIndex + i);
        }
        Encoding[] encodings = whole.batchEncode(texts);
        List<long[]> ids = new ArrayList<>(encodings.length);
        List<long[]> types = new ArrayList<>(encodings.length);
        List<Integer> owners = new ArrayList<>(encodings.length);
        for (int i = 0; i < encodings.length; i++) {
            Encoding e = encodings[i];
            long[] all = e.getIds();
            if (all.length <= maxLength) {
                ids.add(all);
                types.add(e.getTypeIds());
                owners.add(i);
                continue;
            }
            if (policy == LongInputPolicy.REJECT) {
                throw new IllegalArgumentException(
                        "Text " + (firstIndex + i) + " has " + all.length + " tokens, more than maxLength " + maxLength
                                + " (long inputs are rejected; truncate them or average windows)");
            }
            for (long[][] window : windows(e, firstIndex + i)) {
                ids.add(window[0]);
                types.add(window[1]);
                owners.add(i);
                if (policy == LongInputPolicy.TRUNCATE) {
                    break;
                }
            }
        }
        return new TokenizedTexts(
                ids.toArray(new long[0][]),
                types.toArray(new long[0][]),
                owners.stream().mapToInt(Integer::intValue).toArray(),
                texts.size());
    }

    /**
     * Tokenises text pairs as one sequence each ({@code [CLS] a [SEP] b [SEP]}), truncating the
     * longer text first when the pair exceeds the window.
     *
     * @param inputs the pairs, no text blank
     * @return one row per pair
     * @throws IllegalArgumentException naming the first blank text, a pair longer than the window
     *     under {@link LongInputPolicy#REJECT}, or the policy {@link LongInputPolicy#AVERAGE_WINDOWS}
     */
    public TokenizedTexts encodePairs(List<StringPair> inputs) {
        if (policy == LongInputPolicy.AVERAGE_WINDOWS) {
            throw new IllegalArgumentException("Averaging windows is for single texts, not pairs; truncate or reject");
        }
        PairList<String, String> list = new PairList<>();
        for (int i = 0; i < inputs.size(); i++) {
            requireText(inputs.get(i).getKey(), i);
            requireText(inputs.get(i).getValue(), i);
            list.add(inputs.get(i).getKey(), inputs.get(i).getValue());
        }
        Encoding[] encodings = pairTokenizer().batchEncode(list);
        long[][] ids = new long[encodings.length][];
        long[][] types = new long[encodings.length][];
        int[] owners = new int[encodings.length];
        for (int i = 0; i < encodings.length; i++) {
            if (encodings[i].exceedMaxLength() && policy == LongInputPolicy.REJECT) {
                throw new IllegalArgumentException(
                        "Pair " + i + " has more than maxLength " + maxLength + " tokens (long inputs are rejected)");
            }
            ids[i] = encodings[i].getIds();
            types[i] = encodings[i].getTypeIds();
            owners[i] = i;
        }
        return new TokenizedTexts(ids, types, owners, inputs.size());
    }

    /**
     * Returns the id of a token the vocabulary holds as one piece (such as {@code [MASK]}).
     *
     * @param token the token
     * @return its id
     * @throws IllegalArgumentException if the tokenizer does not make it one token
     */
    public long tokenId(String token) {
        long[] ids = whole.encode(token, false, false).getIds();
        if (ids.length != 1) {
            throw new IllegalArgumentException("The tokenizer " + file + " has no single token " + token);
        }
        return ids[0];
    }

    /**
     * Decodes token ids to text.
     *
     * @param ids the ids
     * @return the text
     */
    public String decode(long[] ids) {
        return whole.decode(ids);
    }

    /** The windows of a long encoding: {ids, type ids} each, the special tokens around every one. */
    private List<long[][]> windows(Encoding e, long index) {
        long[] all = e.getIds();
        long[] types = e.getTypeIds();
        long[] special = e.getSpecialTokenMask();
        int prefix = 0;
        while (prefix < all.length && special[prefix] == 1) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < all.length - prefix && special[all.length - 1 - suffix] == 1) {
            suffix++;
        }
        int content = maxLength - prefix - suffix;
        if (content < 1) {
            throw new IllegalArgumentException(
                    "maxLength " + maxLength + " leaves no room for text " + index + " between its " + (prefix + suffix)
                            + " special tokens");
        }
        List<long[][]> windows = new ArrayList<>();
        for (int start = prefix; start < all.length - suffix; start += content) {
            int end = Math.min(all.length - suffix, start + content);
            windows.add(new long[][] {window(all, prefix, suffix, start, end), window(types, prefix, suffix, start, end)});
        }
        return windows;
    }

    /** The prefix, values[start, end) and the suffix. */
    private static long[] window(long[] values, int prefix, int suffix, int start, int end) {
        long[] out = new long[prefix + (end - start) + suffix];
        System.arraycopy(values, 0, out, 0, prefix);
        System.arraycopy(values, start, out, prefix, end - start);
        System.arraycopy(values, values.length - suffix, out, prefix + end - start, suffix);
        return out;
    }

    private HuggingFaceTokenizer pairTokenizer() {
        HuggingFaceTokenizer p = pairs;
        if (p == null) {
            synchronized (this) {
                if (pairs == null) {
                    try {
                        pairs = TokenizerFiles.load(file, t -> t.optTruncation(true).optMaxLength(maxLength).optPadding(false));
                    } catch (IOException e) {
                        throw new IllegalStateException("Cannot read " + file + " again: " + e.getMessage(), e);
                    }
                }
                p = pairs;
            }
        }
        return p;
    }

    private static void requireText(String text, long index) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Text " + index + " is empty");
        }
    }

    /** Releases the tokenizers. */
    @Override
    public void close() {
        whole.close();
        if (pairs != null) {
            pairs.close();
        }
    }

    @Override
    public String toString() {
        return "EncoderTokenizer[" + file + ", maxLength " + maxLength + ", " + policy + "]";
    }

    /** Builds an {@link EncoderTokenizer}. */
    public static final class Builder {
        private Path file;
        private int maxLength = 512;
        private LongInputPolicy policy = LongInputPolicy.TRUNCATE;

        Builder() {}

        /**
         * Sets the model's {@code tokenizer.json} (required).
         *
         * @param file the file
         * @return this builder
         */
        public Builder setTokenizer(Path file) {
            this.file = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Sets the window in tokens, special tokens included (default 512); keep it within the
         * model's positions.
         *
         * @param maxLength the window
         * @return this builder
         */
        public Builder optMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Sets what happens to longer texts (default {@link LongInputPolicy#TRUNCATE}).
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder optLongInputPolicy(LongInputPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Builds the tokenizer.
         *
         * @return the tokenizer; close it when done
         * @throws IOException naming the file if it is missing or unreadable
         * @throws IllegalArgumentException without a file, or with a window below 2
         */
        public EncoderTokenizer build() throws IOException {
            if (file == null) {
                throw new IllegalArgumentException("EncoderTokenizer needs setTokenizer(tokenizer.json)");
            }
            if (maxLength < 2) {
                throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
            }
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "no tokenizer.json");
            }
            return new EncoderTokenizer(this);
        }
    }
}
