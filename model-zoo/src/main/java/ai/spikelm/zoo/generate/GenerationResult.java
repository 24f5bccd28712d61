package ai.spikelm.zoo.generate;

import java.util.Locale;

/** The outcome of one {@link Generator#generate} call. */
public final class GenerationResult {

    private final long[] promptTokens;
    private final int droppedPromptTokens;
    private final long[] tokens;
    private final String text;
    private final FinishReason finishReason;
    private final String stopSequence;
    private final long seed;
    private final long prefillNanos;
    private final long decodeNanos;
    private final int decodeSteps;

    GenerationResult(
            long[] promptTokens,
            int droppedPromptTokens,
            long[] tokens,
            String text,
            FinishReason finishReason,
            String stopSequence,
            long seed,
            long prefillNanos,
            long decodeNanos,
            int decodeSteps) {
        this.promptTokens = promptTokens.clone();
        this.droppedPromptTokens = droppedPromptTokens;
        this.tokens = tokens.clone();
        this.text = text;
        this.finishReason = finishReason;
        this.stopSequence = stopSequence;
        this.seed = seed;
        this.prefillNanos = prefillNanos;
        this.decodeNanos = decodeNanos;
        this.decodeSteps = decodeSteps;
    }

    /**
     * Returns the prompt tokens the model read: the decoder prompt after any left truncation for a
     * causal model, the source for an encoder-decoder.
     *
     * @return the token ids
     */
    public long[] promptTokens() {
        return promptTokens.clone();
    }

    /** @return how many prompt tokens {@link PromptPolicy#LEFT_TRUNCATE} dropped (0 if none) */
    public int droppedPromptTokens() {
        return droppedPromptTokens;
    }

    /**
     * Returns the generated tokens: without the end-of-sequence token, but with every token of a
     * matched stop sequence.
     *
     * @return the token ids
     */
    public long[] tokens() {
        return tokens.clone();
    }

    /**
     * Returns the generated text (the prompt excluded), cut before a matched stop sequence.
     *
     * @return the text, or null when the generator has no codec
     */
    public String text() {
        return text;
    }

    /** @return why generation stopped */
    public FinishReason finishReason() {
        return finishReason;
    }

    /** @return the stop sequence that ended generation, or null */
    public String stopSequence() {
        return stopSequence;
    }

    /** @return the sampling seed used (the configured one, or the one drawn for this call) */
    public long seed() {
        return seed;
    }

    /** @return the time spent on the prompt (the first forward pass), in nanoseconds */
    public long prefillNanos() {
        return prefillNanos;
    }

    /** @return the time spent in the one-token forward passes after the prompt, in nanoseconds */
    public long decodeNanos() {
        return decodeNanos;
    }

    /** @return the number of one-token forward passes after the prompt */
    public int decodeSteps() {
        return decodeSteps;
    }

    /**
     * Returns the decoding speed: one-token forward passes (with the cache) per second, sampling
     * and detokenisation included.
     *
     * @return tokens per second, or NaN when there was no such pass
     */
    public double decodeTokensPerSecond() {
        return decodeSteps == 0 || decodeNanos <= 0 ? Double.NaN : decodeSteps * 1e9 / decodeNanos;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "GenerationResult(prompt=%d tokens%s, generated=%d tokens, finish=%s%s)",
                promptTokens.length,
                droppedPromptTokens > 0 ? " (" + droppedPromptTokens + " dropped)" : "",
                tokens.length,
                finishReason,
                stopSequence != null ? " at '" + stopSequence + "'" : "");
    }
}
