package ai.spikelm.zoo.generate;

/** A prompt that, with the tokens to generate, does not fit in the model's context window. */
public class PromptTooLongException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The prompt's length in tokens. */
    private final int promptTokens;
    /** The tokens asked to be generated. */
    private final int maxNewTokens;
    /** The model's context window in tokens. */
    private final int contextLength;

    /**
     * Creates the exception.
     *
     * @param promptTokens the prompt length in tokens
     * @param maxNewTokens the tokens to generate
     * @param contextLength the model's context window
     */
    public PromptTooLongException(int promptTokens, int maxNewTokens, int contextLength) {
        super(
                "Prompt of "
                        + promptTokens
                        + " tokens + maxNewTokens "
                        + maxNewTokens
                        + " exceeds the context window of "
                        + contextLength
                        + " tokens; shorten the prompt, lower maxNewTokens or use PromptPolicy.LEFT_TRUNCATE");
        this.promptTokens = promptTokens;
        this.maxNewTokens = maxNewTokens;
        this.contextLength = contextLength;
    }

    /** @return the prompt length in tokens */
    public int promptTokens() {
        return promptTokens;
    }

    /** @return the tokens that were to be generated */
    public int maxNewTokens() {
        return maxNewTokens;
    }

    /** @return the model's context window */
    public int contextLength() {
        return contextLength;
    }
}
