package ai.spikelm.zoo.generate;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.Objects;

/** Turns text into token ids and back, for prompts, stop sequences and streamed text. */
public interface TokenCodec {

    /**
     * Encodes text without adding special tokens.
     *
     * @param text the text
     * @return the token ids
     */
    long[] encode(String text);

    /**
     * Encodes text as a model's input, with the special tokens its tokenizer adds around a sequence
     * (for example {@code <s> … </s>} for the source of an encoder-decoder). By default, as {@link
     * #encode}.
     *
     * @param text the text
     * @return the token ids
     */
    default long[] encodeInput(String text) {
        return encode(text);
    }

    /**
     * Decodes token ids to text. A sequence that ends inside a multi-byte character may decode with
     * a trailing U+FFFD, which the generator holds back until the character is complete.
     *
     * @param ids the token ids
     * @return the text
     */
    String decode(long[] ids);

    /**
     * Adapts a DJL Hugging Face tokenizer. Special tokens are neither added nor skipped, except by
     * {@link #encodeInput}. Load the tokenizer without truncation ({@link
     * ai.spikelm.zoo.core.Tokenizers#untruncated}): DJL's default cuts texts at 512 tokens, and a
     * prompt the tokenizer truncated is an error here rather than a silently shorter prompt.
     *
     * @param tokenizer the tokenizer
     * @return the codec
     */
    static TokenCodec of(HuggingFaceTokenizer tokenizer) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        return new TokenCodec() {
            @Override
            public long[] encode(String text) {
                ai.djl.huggingface.tokenizers.Encoding encoding = tokenizer.encode(text, false, false);
                if (encoding.exceedMaxLength()) {
                    throw new IllegalArgumentException(
                            "The tokenizer truncated the text to "
                                    + encoding.getIds().length
                                    + " tokens; load it without truncation (Tokenizers.untruncated)");
                }
                return encoding.getIds();
            }

            @Override
            public long[] encodeInput(String text) {
                ai.djl.huggingface.tokenizers.Encoding encoding = tokenizer.encode(text, true, false);
                if (encoding.exceedMaxLength()) {
                    throw new IllegalArgumentException(
                            "The tokenizer truncated the text to " + encoding.getIds().length + " tokens; load it without truncation");
                }
                return encoding.getIds();
            }

            @Override
            public String decode(long[] ids) {
                return tokenizer.decode(ids, false);
            }
        };
    }
}
