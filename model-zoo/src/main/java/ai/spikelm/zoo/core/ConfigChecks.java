package ai.spikelm.zoo.core;

/**
 * Range checks that every family config applies to its values when it is built (from JSON or from a
 * builder), with the same messages, so that a hostile or mistyped config fails before any array is
 * allocated.
 */
public final class ConfigChecks {

    private ConfigChecks() {}

    /**
     * Requires a positive value.
     *
     * @param field the config field
     * @param value the value
     * @throws InvalidConfigException if the value is below 1
     */
    public static void requirePositive(String field, int value) {
        if (value < 1) {
            throw new InvalidConfigException("config.json: field '" + field + "' must be positive, got " + value);
        }
    }

    /**
     * Requires a value at most {@code max}: bounds far above any real model, so that a config
     * cannot make the model allocate the world.
     *
     * @param field the config field
     * @param value the value
     * @param max the limit
     * @throws InvalidConfigException if the value is above the limit
     */
    public static void requireAtMost(String field, int value, int max) {
        if (value > max) {
            throw new InvalidConfigException("config.json: field '" + field + "' is " + value + ", above the limit " + max);
        }
    }

    /**
     * Requires a dropout probability in [0, 1) (NaN fails too).
     *
     * @param field the config field
     * @param p the probability
     * @throws InvalidConfigException if it is out of range
     */
    public static void requireProbability(String field, float p) {
        if (!(p >= 0f && p < 1f)) {
            throw new InvalidConfigException("config.json: field '" + field + "' must be in [0, 1), got " + p);
        }
    }
}
