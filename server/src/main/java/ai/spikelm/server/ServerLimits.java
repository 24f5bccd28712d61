package ai.spikelm.server;

/**
 * What one request may ask for. A request over a limit is refused with a 400 (413 for the body)
 * before any model work, so a large request cannot take memory or time from the others.
 */
public final class ServerLimits {

    private final int maxBodyBytes;
    private final int maxInputs;
    private final int maxInputTokens;
    private final int maxOutputTokens;
    private final int queueCapacity;

    private ServerLimits(Builder b) {
        this.maxBodyBytes = b.maxBodyBytes;
        this.maxInputs = b.maxInputs;
        this.maxInputTokens = b.maxInputTokens;
        this.maxOutputTokens = b.maxOutputTokens;
        this.queueCapacity = b.queueCapacity;
    }

    /**
     * Returns the largest request body in bytes (413 above).
     *
     * @return bytes
     */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * Returns the most texts one embeddings request may carry.
     *
     * @return the count
     */
    public int maxInputs() {
        return maxInputs;
    }

    /**
     * Returns the most tokens of one embedding input (longer texts are embedded window by window and
     * averaged, up to this).
     *
     * @return tokens
     */
    public int maxInputTokens() {
        return maxInputTokens;
    }

    /**
     * Returns the most tokens a completion may ask for ({@code max_tokens}).
     *
     * @return tokens
     */
    public int maxOutputTokens() {
        return maxOutputTokens;
    }

    /**
     * Returns how many requests may wait for each model (beyond it: 429 at once).
     *
     * @return the capacity
     */
    public int queueCapacity() {
        return queueCapacity;
    }

    /**
     * Returns the defaults.
     *
     * @return limits with every default
     */
    public static ServerLimits defaults() {
        return builder().build();
    }

    /**
     * Returns a builder with the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ServerLimits}. */
    public static final class Builder {
        private int maxBodyBytes = 2 << 20;
        private int maxInputs = 256;
        private int maxInputTokens = 8192;
        private int maxOutputTokens = 1024;
        private int queueCapacity = 64;

        Builder() {}

        /**
         * Sets the largest body (default 2 MiB).
         *
         * @param bytes at least 1 KiB
         * @return this builder
         */
        public Builder optMaxBodyBytes(int bytes) {
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * Sets the most texts per embeddings request (default 256).
         *
         * @param inputs at least 1
         * @return this builder
         */
        public Builder optMaxInputs(int inputs) {
            this.maxInputs = inputs;
            return this;
        }

        /**
         * Sets the most tokens per embedding input (default 8192).
         *
         * @param tokens at least 1
         * @return this builder
         */
        public Builder optMaxInputTokens(int tokens) {
            this.maxInputTokens = tokens;
            return this;
        }

        /**
         * Sets the most tokens a completion may ask for (default 1024; the model's window caps it too).
         *
         * @param tokens at least 1
         * @return this builder
         */
        public Builder optMaxOutputTokens(int tokens) {
            this.maxOutputTokens = tokens;
            return this;
        }

        /**
         * Sets how many requests may wait per model (default 64).
         *
         * @param capacity at least 1
         * @return this builder
         */
        public Builder optQueueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * Builds the limits.
         *
         * @return the limits
         * @throws IllegalArgumentException for a value out of range
         */
        public ServerLimits build() {
            if (maxBodyBytes < 1024) {
                throw new IllegalArgumentException("The body limit must be at least 1024 bytes, got " + maxBodyBytes);
            }
            if (maxInputs < 1 || maxInputTokens < 1 || maxOutputTokens < 1 || queueCapacity < 1) {
                throw new IllegalArgumentException("Input count, token limits and queue capacity must be at least 1");
            }
            return new ServerLimits(this);
        }
    }
}
