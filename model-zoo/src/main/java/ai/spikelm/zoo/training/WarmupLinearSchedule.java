package ai.spikelm.zoo.training;

import ai.djl.training.tracker.Tracker;

/**
 * A learning-rate schedule with linear warm-up followed by linear decay or a constant value, the
 * schedules of Hugging Face's {@code get_linear_schedule_with_warmup} and {@code
 * get_constant_schedule_with_warmup}.
 *
 * <p>{@link #getNewValue(int)} takes the number of updates already made, s (0 for the first
 * update), exactly as the Hugging Face lambdas do:
 *
 * <pre>
 * s &lt; W:               peak · s / W
 * s ≥ W, no decay:     peak
 * s ≥ W, decay to S:   end + (peak − end) · max(0, (S − s) / (S − W))
 * </pre>
 *
 * <p>So with warm-up the very first update uses a learning rate of 0, as in Hugging Face. The
 * schedule is a pure function of s, which is why resuming needs only the update count.
 *
 * <pre>{@code
 * Tracker lr = WarmupLinearSchedule.builder()
 *         .setPeakValue(2e-4f).optWarmupSteps(5000).optDecaySteps(500_000).build(); // pre-training
 * Tracker glue = WarmupLinearSchedule.constant(2e-5f);                              // fine-tuning
 * }</pre>
 */
public final class WarmupLinearSchedule implements Tracker {

    private final float peak;
    private final int warmupSteps;
    private final int decaySteps;
    private final float endValue;

    private WarmupLinearSchedule(Builder b) {
        this.peak = b.peak;
        this.warmupSteps = b.warmupSteps;
        this.decaySteps = b.decaySteps;
        this.endValue = b.endValue;
    }

    /**
     * Returns a constant schedule.
     *
     * @param value the learning rate
     * @return the schedule
     */
    public static WarmupLinearSchedule constant(float value) {
        return builder().setPeakValue(value).build();
    }

    /** {@inheritDoc} */
    @Override
    public float getNewValue(int numUpdate) {
        if (numUpdate < 0) {
            throw new IllegalArgumentException("update count must be >= 0, got " + numUpdate);
        }
        if (numUpdate < warmupSteps) {
            return (float) ((double) peak * numUpdate / warmupSteps);
        }
        if (decaySteps == 0) {
            return peak;
        }
        double left = Math.max(0.0, (double) (decaySteps - numUpdate) / (decaySteps - warmupSteps));
        return (float) (endValue + (peak - (double) endValue) * left);
    }

    /**
     * Returns the warm-up length.
     *
     * @return W, 0 without warm-up
     */
    public int getWarmupSteps() {
        return warmupSteps;
    }

    /**
     * Returns the step at which the decay ends.
     *
     * @return S, 0 for a constant schedule after warm-up
     */
    public int getDecaySteps() {
        return decaySteps;
    }

    @Override
    public String toString() {
        return "WarmupLinearSchedule(peak="
                + peak
                + ", warmup="
                + warmupSteps
                + (decaySteps == 0 ? ", constant)" : ", decay to " + endValue + " at " + decaySteps + ")");
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link WarmupLinearSchedule}. */
    public static final class Builder {
        private float peak = Float.NaN;
        private int warmupSteps;
        private int decaySteps;
        private float endValue;

        Builder() {}

        /**
         * Sets the learning rate reached after warm-up (required).
         *
         * @param peak a positive learning rate
         * @return this builder
         */
        public Builder setPeakValue(float peak) {
            if (!(peak > 0f) || Float.isInfinite(peak)) {
                throw new IllegalArgumentException("peak learning rate must be positive, got " + peak);
            }
            this.peak = peak;
            return this;
        }

        /**
         * Sets the number of warm-up updates (default 0).
         *
         * @param steps W ≥ 0
         * @return this builder
         */
        public Builder optWarmupSteps(int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("warm-up steps must be >= 0, got " + steps);
            }
            this.warmupSteps = steps;
            return this;
        }

        /**
         * Decays linearly after warm-up to reach the end value at update {@code totalSteps}
         * (default: no decay).
         *
         * @param totalSteps S, the planned number of updates, more than the warm-up
         * @return this builder
         */
        public Builder optDecaySteps(int totalSteps) {
            if (totalSteps < 1) {
                throw new IllegalArgumentException("decay steps must be positive, got " + totalSteps);
            }
            this.decaySteps = totalSteps;
            return this;
        }

        /**
         * Sets the value the decay ends at (default 0).
         *
         * @param value a learning rate ≥ 0
         * @return this builder
         */
        public Builder optEndValue(float value) {
            if (!(value >= 0f) || Float.isInfinite(value)) {
                throw new IllegalArgumentException("end value must be >= 0, got " + value);
            }
            this.endValue = value;
            return this;
        }

        /**
         * Builds the schedule.
         *
         * @return the schedule
         * @throws IllegalArgumentException if the peak is missing or the decay ends within warm-up
         */
        public WarmupLinearSchedule build() {
            if (Float.isNaN(peak)) {
                throw new IllegalArgumentException("WarmupLinearSchedule needs setPeakValue(...)");
            }
            if (decaySteps != 0 && decaySteps <= warmupSteps) {
                throw new IllegalArgumentException(
                        "decay steps (" + decaySteps + ") must exceed warm-up steps (" + warmupSteps + ")");
            }
            return new WarmupLinearSchedule(this);
        }
    }
}
