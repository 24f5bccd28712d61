package ai.spikelm.zoo.generate;

/**
 * Receives generated tokens as they come (streaming).
 *
 * <p>{@link #onToken} is called once per generated token, in order, with the text that became final
 * with it. Text can lag behind tokens: a token that ends inside a multi-byte character, or text
 * that could be the start of a stop sequence, is held back until it is resolved. Whatever is still
 * held back at the end is passed to {@link #onFinish}; the concatenation of all texts passed to
 * both methods is {@link GenerationResult#text()}.
 */
@FunctionalInterface
public interface TokenListener {

    /**
     * Called after each generated token.
     *
     * @param index the token's index among the generated tokens (0, 1, ...)
     * @param tokenId the token id
     * @param text the text that became final with this token, possibly empty (empty when no codec)
     */
    void onToken(int index, long tokenId, String text);

    /**
     * Called once when generation ends.
     *
     * @param text the text still held back, possibly empty
     * @param result the result
     */
    default void onFinish(String text, GenerationResult result) {}
}
