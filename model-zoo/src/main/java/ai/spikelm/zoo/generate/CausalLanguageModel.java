package ai.spikelm.zoo.generate;

import ai.djl.ndarray.NDManager;

/**
 * What {@link Generator} needs from a language model: the next-token logits of a growing
 * sequence, computed incrementally.
 *
 * <p>A model opens a {@link Session} per sequence; the session keeps whatever the model needs
 * between calls (a key/value cache) on a sub-manager of the given manager, never on the model's.
 * As a {@link TextGenerationModel}, it continues a text prompt.
 */
public interface CausalLanguageModel extends TextGenerationModel {

    /**
     * Returns the context window: the most positions a session can hold.
     *
     * @return the context length
     */
    @Override
    int contextLength();

    /**
     * Returns the vocabulary size (the length of the logits).
     *
     * @return the vocabulary size
     */
    @Override
    int vocabSize();

    /**
     * Returns the end-of-sequence token, at which generation stops by default.
     *
     * @return the token id, or null when the model has none
     */
    @Override
    Integer eosTokenId();

    /**
     * {@inheritDoc} A causal model continues the prompt: it decodes from the prompt's tokens (no
     * special tokens added), and nothing needs freeing.
     */
    @Override
    default Decoding startDecoding(NDManager manager, String prompt, TokenCodec codec) {
        return new Decoding(this, codec.encode(prompt), null, null);
    }
    /**
     * Opens a decoding session for one sequence.
     *
     * @param manager the manager under which the session keeps its state; closing the session
     *     frees it
     * @return the session
     */
    Session newSession(NDManager manager);

    /** One sequence being decoded. Not thread-safe. */
    interface Session extends AutoCloseable {

        /**
         * Appends tokens to the sequence and returns the logits for the token that follows them.
         *
         * @param tokens one or more token ids
         * @return logits over the vocabulary
         * @throws IllegalArgumentException if the tokens are empty, out of range or overflow the
         *     context window
         */
        float[] append(long[] tokens);

        /**
         * Returns the number of tokens in the sequence so far.
         *
         * @return the length
         */
        int length();

        /** Frees the session's state. */
        @Override
        void close();
    }
}
