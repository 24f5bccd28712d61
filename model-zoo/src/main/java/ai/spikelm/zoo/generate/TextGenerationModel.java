package ai.spikelm.zoo.generate;

import ai.djl.ndarray.NDManager;
import java.util.Objects;

/**
 * A model that turns a text prompt into generated text, whatever its architecture: what {@link
 * Generator} needs to serve a text prompt. A causal language model ({@link CausalLanguageModel})
 * continues the prompt; an encoder-decoder (SpikeLM-BART) reads the prompt as its source and decodes
 * from its start token. {@link #startDecoding} hides the difference: it returns the causal model to
 * decode with and the decoder's first tokens.
 */
public interface TextGenerationModel {

    /**
     * Returns the decoder's context window: the most positions a generated sequence (decoder prompt
     * plus new tokens) can hold.
     *
     * @return the context length
     */
    int contextLength();

    /**
     * Returns the vocabulary size (the length of the logits).
     *
     * @return the vocabulary size
     */
    int vocabSize();

    /**
     * Returns the end-of-sequence token, at which generation stops by default.
     *
     * @return the token id, or null when the model has none
     */
    Integer eosTokenId();

    /**
     * Prepares the generation of a reply to a text prompt.
     *
     * @param manager the manager under which anything prepared lives (an encoded source); closing
     *     the returned decoding frees it
     * @param prompt the prompt, not empty
     * @param codec the model's tokenizer
     * @return the causal model to decode with and its first tokens
     * @throws IllegalArgumentException if the prompt does not fit the model
     */
    Decoding startDecoding(NDManager manager, String prompt, TokenCodec codec);

    /**
     * What a text prompt becomes for decoding: the causal model, the decoder's first tokens, and, for
     * an encoder-decoder, the source the model read. Close it to free what was prepared.
     */
    final class Decoding implements AutoCloseable {
        private final CausalLanguageModel model;
        private final long[] decoderPrompt;
        private final long[] source;
        private final AutoCloseable resources;

        /**
         * Creates a decoding.
         *
         * @param model the causal model to decode with
         * @param decoderPrompt the tokens decoding starts from (for a causal model, the prompt's)
         * @param source the source an encoder-decoder read from the prompt, or null for a causal model
         * @param resources what closing frees, or null
         */
        public Decoding(CausalLanguageModel model, long[] decoderPrompt, long[] source, AutoCloseable resources) {
            this.model = Objects.requireNonNull(model, "model");
            this.decoderPrompt = Objects.requireNonNull(decoderPrompt, "decoderPrompt").clone();
            this.source = source == null ? null : source.clone();
            this.resources = resources;
        }

        /**
         * Returns the causal model to decode with.
         *
         * @return the model
         */
        public CausalLanguageModel model() {
            return model;
        }

        /**
         * Returns the tokens decoding starts from.
         *
         * @return the decoder prompt
         */
        public long[] decoderPrompt() {
            return decoderPrompt.clone();
        }

        /**
         * Returns the source an encoder-decoder read from the prompt.
         *
         * @return the source's tokens, or null for a causal model (its prompt is the decoder prompt)
         */
        public long[] source() {
            return source == null ? null : source.clone();
        }

        /** Frees what was prepared for the prompt. */
        @Override
        public void close() {
            if (resources != null) {
                try {
                    resources.close();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("Cannot free the prepared prompt", e);
                }
            }
        }
    }
}
