package ai.spikelm.server;

import java.time.Duration;

/**
 * Dynamic batching of embedding requests: the first waiting request opens a batch, which takes
 * further requests until it holds {@link #maxBatchSize()} texts or {@link #maxWait()} has passed
 * since that first request arrived; then the batch goes through the model in one call. Under load
 * a call embeds many requests at the cost of a forward pass for one; alone, a request waits at most
 * {@code maxWait}. {@link #none()} (batch size 1) sends each request on its own.
 */
public final class Batching {

    private final int maxBatchSize;
    private final Duration maxWait;

    private Batching(Builder b) {
        this.maxBatchSize = b.maxBatchSize;
        this.maxWait = b.maxWait;
    }

    /**
     * Returns the most texts merged into one model call (a larger request goes alone).
     *
     * @return the size
     */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /**
     * Returns how long a batch waits for more requests after its first arrived.
     *
     * @return the wait
     */
    public Duration maxWait() {
        return maxWait;
    }

    /**
     * Returns no batching: every request is a model call of its own.
     *
     * @return batch size 1, no wait
     */
    public static Batching none() {
        return builder().optMaxBatchSize(1).optMaxWait(Duration.ZERO).build();
    }

    /**
     * Returns a builder with the defaults (32 texts, 5 ms).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return "max batch " + maxBatchSize + ", max wait " + maxWait.toMillis() + " ms";
    }

    /** Builds {@link Batching}. */
    public static final class Builder {
        private int maxBatchSize = 32;
        private Duration maxWait = Duration.ofMillis(5);

        Builder() {}

        /**
         * Sets the most texts per model call (default 32).
         *
         * @param size at least 1
         * @return this builder
         */
        public Builder optMaxBatchSize(int size) {
            this.maxBatchSize = size;
            return this;
        }

        /**
         * Sets how long a batch waits for more requests (default 5 ms).
         *
         * @param wait zero or more, at most a minute
         * @return this builder
         */
        public Builder optMaxWait(Duration wait) {
            this.maxWait = wait;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException for a value out of range
         */
        public Batching build() {
            if (maxBatchSize < 1) {
                throw new IllegalArgumentException("The batch size must be at least 1, got " + maxBatchSize);
            }
            if (maxWait == null || maxWait.isNegative() || maxWait.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("The batch wait must be between 0 and 1 minute, got " + maxWait);
            }
            return new Batching(this);
        }
    }
}
