package ai.spikelm.spark;

import java.util.Locale;

/** The dataset formats the embedding job reads. */
public enum InputFormat {
    /** Plain text: every non-blank line is a row (column {@code line}: its 1-based number). */
    TEXT,
    /** JSON Lines: one object per line, with a string field holding the text. */
    JSONL,
    /** Parquet, with a string column holding the text. */
    PARQUET;

    /**
     * Parses a format name.
     *
     * @param name {@code text}, {@code jsonl} (or {@code json}) or {@code parquet}, any case
     * @return the format
     * @throws IllegalArgumentException naming the choices for anything else
     */
    public static InputFormat of(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "text":
            case "txt":
                return TEXT;
            case "jsonl":
            case "json":
                return JSONL;
            case "parquet":
                return PARQUET;
            default:
                throw new IllegalArgumentException("Unknown input format '" + name + "': text, jsonl or parquet");
        }
    }

    /**
     * Guesses the format from a file name's extension.
     *
     * @param input a path or URI
     * @return {@code .txt} text, {@code .jsonl}/{@code .json}/{@code .ndjson} JSONL, {@code .parquet} Parquet
     * @throws IllegalArgumentException if the extension tells nothing (a directory, say)
     */
    public static InputFormat guess(String input) {
        String name = input.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        if (name.endsWith(".txt")) {
            return TEXT;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            return JSONL;
        }
        if (name.endsWith(".parquet")) {
            return PARQUET;
        }
        throw new IllegalArgumentException("Cannot tell the format of " + input
                + " from its name (.txt, .jsonl or .parquet); give the format (text, jsonl or parquet)");
    }
}
