package ai.spikelm.zoo.text;

import java.util.Locale;

/** What happens to a text longer than the encoder's window ({@code maxLength} tokens). */
public enum LongInputPolicy {
    /** Keep the first window: the text's first tokens, with the special tokens around them. */
    TRUNCATE,
    /**
     * Embed every window (consecutive, not overlapping, each with the special tokens around it) and
     * average their pooled vectors; for sentence embeddings only.
     */
    AVERAGE_WINDOWS,
    /** Refuse the text, naming it and its length. */
    REJECT;

    /**
     * Parses a policy's name.
     *
     * @param name {@code truncate}, {@code average_windows} or {@code reject} (case-insensitive)
     * @return the policy
     * @throws IllegalArgumentException for any other name
     */
    public static LongInputPolicy of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Unknown long-input policy '" + name + "'; use truncate, average_windows or reject", e);
        }
    }
}
