package ai.spikelm.zoo.generate;

/**
 * What {@link Generator} does when the prompt plus {@code maxNewTokens} does not fit in the model's
 * context window.
 */
public enum PromptPolicy {
    /** Fail with a {@link PromptTooLongException} (the default). */
    ERROR,
    /**
     * Drop the oldest prompt tokens so that the rest of the prompt plus {@code maxNewTokens} fits;
     * {@link GenerationResult#droppedPromptTokens()} says how many were dropped.
     */
    LEFT_TRUNCATE
}
