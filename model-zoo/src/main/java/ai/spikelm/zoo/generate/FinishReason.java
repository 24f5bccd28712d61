package ai.spikelm.zoo.generate;

/** Why generation stopped. */
public enum FinishReason {
    /** {@code maxNewTokens} tokens were generated. */
    LENGTH,
    /** The model produced its end-of-sequence token (not part of the result). */
    EOS,
    /** The generated text contains a stop sequence (the result's text ends before it). */
    STOP_SEQUENCE
}
