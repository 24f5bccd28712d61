package ai.spikelm.zoo.family;

import java.util.Locale;

/**
 * What a model is loaded as, whatever its family: the family-agnostic counterparts of Hugging
 * Face's {@code AutoModel}, {@code AutoModelForCausalLM} and {@code AutoModelForSeq2SeqLM}. Each kind
 * has its interface, which tells what the forward pass returns.
 */
public enum ModelKind {
    /** A bare encoder ({@link EncoderModel}): token vectors, for sentence embeddings. */
    ENCODER("encoder", "an encoder (sentence embeddings)"),
    /** A causal language model ({@link CausalLmModel}): text generation, perplexity, pre-training. */
    CAUSAL_LM("causal_lm", "a causal language model (text generation)"),
    /** An encoder-decoder language model ({@link Seq2SeqModel}): text to text. */
    SEQ2SEQ("seq2seq", "an encoder-decoder (text to text)");

    private final String id;
    private final String description;

    ModelKind(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /**
     * Returns the kind's name in arguments and messages.
     *
     * @return {@code encoder}, {@code causal_lm} or {@code seq2seq}
     */
    public String id() {
        return id;
    }

    /**
     * Returns what the kind is, for messages.
     *
     * @return for example "an encoder (sentence embeddings)"
     */
    public String description() {
        return description;
    }

    /**
     * Parses a kind's name.
     *
     * @param name {@code encoder}, {@code causal_lm} or {@code seq2seq} (case-insensitive)
     * @return the kind
     * @throws IllegalArgumentException for any other name, listing the known ones
     */
    public static ModelKind of(String name) {
        for (ModelKind kind : values()) {
            if (kind.id.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unknown model kind '" + name + "'; use encoder, causal_lm or seq2seq");
    }
}
