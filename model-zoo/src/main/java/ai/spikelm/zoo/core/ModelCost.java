package ai.spikelm.zoo.core;

import ai.spikelm.zoo.weights.CheckpointReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a {@code config.json} implies in memory, computed from its fields alone so that it can be
 * checked before anything is allocated: the weights the model's body will hold (which a checkpoint
 * must supply) and the activations of one sequence at the maximum length.
 *
 * <pre>{@code
 * ModelCost cost = config.cost();                       // SpikeBertConfig, SpikeGpt2Config, ...
 * try (CheckpointReader checkpoint = SafetensorsCheckpoint.open(dir)) {
 *     cost.check(dir.resolve("config.json"), checkpoint);  // before the model is built
 * }
 * }</pre>
 *
 * <p>A config is refused when its weights are more than the checkpoint holds (a 2 KB file must not
 * make the loader allocate gigabytes next to a 4 MB checkpoint), or when its weights as float32 or
 * its activations at the maximum length exceed the memory budget: the machine's physical memory,
 * or {@value #BUDGET_PROPERTY} (bytes, or with a {@code k}, {@code m}, {@code g} or {@code t}
 * suffix). The message names {@code config.json}, the fields and the implied size. Heads that may
 * start untrained (a new classifier) are not counted: they are small beside the body.
 */
public final class ModelCost {

    /** The system property that sets the memory budget (default: physical memory). */
    public static final String BUDGET_PROPERTY = "spikelm.memory.budget";

    /**
     * Weights may exceed the checkpoint's values by this fraction, so that a counting difference
     * (a bias some variant lacks) never refuses a real model.
     */
    private static final double CHECKPOINT_SLACK = 0.05;

    /** And by this many values, for the same reason on tiny models. */
    private static final long CHECKPOINT_SLACK_VALUES = 4096;

    private final List<Term> weights;
    private final Term activations;

    private ModelCost(Builder b) {
        this.weights = List.copyOf(b.weights);
        this.activations = b.activations;
    }

    /**
     * A config field and its value, for messages.
     *
     * @param name the field, such as {@code num_hidden_layers}
     * @param value its value
     */
    public record Field(String name, long value) {

        /**
         * Creates a field.
         *
         * @param name the field
         * @param value its value
         * @return the field
         */
        public static Field of(String name, long value) {
            return new Field(name, value);
        }

        /**
         * Returns the field as messages show it.
         *
         * @return {@code name = value}
         */
        @Override
        public String toString() {
            return name + " = " + value;
        }
    }

    /**
     * A part of the cost: how many values (or bytes, for activations), what they are, and the
     * fields that set them.
     *
     * @param what what the values are, such as {@code "feed-forward weights"}
     * @param amount the number of values, or bytes for activations, saturated at {@link
     *     Long#MAX_VALUE}
     * @param fields the fields that set it
     */
    public record Term(String what, long amount, List<Field> fields) {}

    /**
     * Returns the values of the weights the checkpoint must supply.
     *
     * @return the weight count
     */
    public long weightCount() {
        long total = 0;
        for (Term t : weights) {
            total = saturatedAdd(total, t.amount());
        }
        return total;
    }

    /**
     * Returns the weights as float32, the form they are loaded in.
     *
     * @return bytes
     */
    public long weightBytes() {
        return saturatedMultiply(weightCount(), Float.BYTES);
    }

    /**
     * Returns the bytes of the activations of one sequence at the maximum length.
     *
     * @return bytes, 0 if not given
     */
    public long activationBytes() {
        return activations == null ? 0 : activations.amount();
    }

    /**
     * Checks the cost against a checkpoint and the default budget.
     *
     * @param configFile the {@code config.json} the cost comes from, for messages
     * @param checkpoint the checkpoint to load; only its headers are read
     * @throws InvalidConfigException if the config implies more than the checkpoint holds or the
     *     budget allows
     */
    public void check(Path configFile, CheckpointReader checkpoint) {
        check(configFile, checkpoint, defaultBudget());
    }

    /**
     * Checks the cost against a checkpoint and a budget.
     *
     * @param configFile the {@code config.json} the cost comes from, for messages
     * @param checkpoint the checkpoint to load; only its headers are read
     * @param budgetBytes the memory the model may take
     * @throws InvalidConfigException if the config implies more than the checkpoint holds or the
     *     budget allows
     */
    public void check(Path configFile, CheckpointReader checkpoint, long budgetBytes) {
        long held = 0;
        for (String name : checkpoint.names()) {
            long n = 1;
            for (long d : checkpoint.info(name).shape()) {
                n = saturatedMultiply(n, d);
            }
            held = saturatedAdd(held, n);
        }
        long allowed = saturatedAdd((long) (held * (1 + CHECKPOINT_SLACK)), CHECKPOINT_SLACK_VALUES);
        if (weightCount() > allowed) {
            Term largest = largest();
            throw new InvalidConfigException(String.format(Locale.ROOT,
                    "%s: %s imply %s of %s, %s of weights in all, but the checkpoint holds %s values (%s as float32);"
                            + " this config.json does not describe this checkpoint",
                    configFile, fields(largest), count(largest.amount()), largest.what(),
                    count(weightCount()), count(held), bytes(saturatedMultiply(held, Float.BYTES))));
        }
        checkBudget(configFile, budgetBytes);
    }

    /**
     * Checks the cost against a budget alone, for a model built without a checkpoint.
     *
     * @param configFile the {@code config.json} (or what stands for it) named in messages
     * @param budgetBytes the memory the model may take
     * @throws InvalidConfigException if the weights or the activations exceed the budget
     */
    public void checkBudget(Object configFile, long budgetBytes) {
        if (weightBytes() > budgetBytes) {
            Term largest = largest();
            throw new InvalidConfigException(String.format(Locale.ROOT,
                    "%s: %s imply %s of weights (%s as float32; largest part: %s of %s), more than the memory"
                            + " budget of %s (set -D%s=SIZE to change it)",
                    configFile, fields(largest), count(weightCount()), bytes(weightBytes()), count(largest.amount()),
                    largest.what(), bytes(budgetBytes), BUDGET_PROPERTY));
        }
        if (activationBytes() > budgetBytes) {
            throw new InvalidConfigException(String.format(Locale.ROOT,
                    "%s: %s imply %s of %s for one sequence at the maximum length, more than the memory budget of"
                            + " %s (set -D%s=SIZE to change it)",
                    configFile, fields(activations), bytes(activationBytes()), activations.what(), bytes(budgetBytes),
                    BUDGET_PROPERTY));
        }
    }

    /**
     * Returns the memory budget: {@value #BUDGET_PROPERTY} if set, else the physical memory.
     *
     * @return bytes
     * @throws IllegalArgumentException if the property is not a size
     */
    public static long defaultBudget() {
        String set = System.getProperty(BUDGET_PROPERTY);
        if (set != null && !set.isBlank()) {
            return parseSize(set);
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Long.MAX_VALUE;
    }

    /**
     * Parses a size such as {@code 8g}, {@code 512m} or {@code 1073741824}.
     *
     * @param text the size
     * @return bytes
     * @throws IllegalArgumentException if it is not a positive size
     */
    public static long parseSize(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        int shift = "kmgt".indexOf(last);
        if (shift >= 0) {
            unit = 1L << (10 * (shift + 1));
            s = s.substring(0, s.length() - 1);
        }
        try {
            long value = Long.parseLong(s.strip());
            if (value < 1) {
                throw new NumberFormatException();
            }
            return saturatedMultiply(value, unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "-D" + BUDGET_PROPERTY + " must be a positive size such as 8g or 512m, got '" + text + "'");
        }
    }

    /**
     * The bytes of one Transformer layer's activations for one sequence: per time step the hidden
     * states and their projections (about eight of width {@code hidden}), the feed-forward
     * activation, and one set of attention scores per head.
     *
     * @param timeSteps T (1 for an ANN)
     * @param length the sequence length
     * @param hidden the hidden size
     * @param intermediate the feed-forward size
     * @param heads the attention heads
     * @return bytes, saturated
     */
    public static long layerActivationBytes(long timeSteps, long length, long hidden, long intermediate, long heads) {
        long perStep = saturatedAdd(
                saturatedMultiply(length, saturatedAdd(8 * hidden, 2 * intermediate)),
                saturatedMultiply(heads, saturatedMultiply(length, length)));
        return saturatedMultiply(saturatedMultiply(timeSteps, perStep), Float.BYTES);
    }

    /**
     * Multiplies without overflow: products that do not fit are {@link Long#MAX_VALUE}, which no
     * budget allows.
     *
     * @param a a non-negative factor
     * @param b a non-negative factor
     * @return the product, saturated
     */
    public static long saturatedMultiply(long a, long b) {
        long r = Math.multiplyHigh(a, b);
        long low = a * b;
        return r != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    private Term largest() {
        return weights.stream().max(Comparator.comparingLong(Term::amount)).orElseThrow();
    }

    private static String fields(Term t) {
        return t.fields().stream().map(Field::toString).collect(Collectors.joining(", "));
    }

    private static String count(long n) {
        return n < 10_000 ? Long.toString(n) : String.format(Locale.ROOT, "%.3g", (double) n);
    }

    private static String bytes(long n) {
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ModelCost} from the terms a family config computes. */
    public static final class Builder {
        private final List<Term> weights = new ArrayList<>();
        private Term activations;

        private Builder() {}

        /**
         * Adds weights the checkpoint must supply.
         *
         * @param what what they are, such as {@code "feed-forward weights"}
         * @param count how many values, saturated
         * @param fields the fields that set the count
         * @return this builder
         */
        public Builder addWeights(String what, long count, Field... fields) {
            weights.add(new Term(what, count, List.of(fields)));
            return this;
        }

        /**
         * Sets the activations of one sequence at the maximum length.
         *
         * @param what what they are
         * @param bytes how many bytes, saturated
         * @param fields the fields that set them
         * @return this builder
         */
        public Builder optActivations(String what, long bytes, Field... fields) {
            activations = new Term(what, bytes, List.of(fields));
            return this;
        }

        /**
         * Builds the cost.
         *
         * @return the cost
         * @throws IllegalStateException if no weights were added
         */
        public ModelCost build() {
            if (weights.isEmpty()) {
                throw new IllegalStateException("A model cost needs its weights");
            }
            return new ModelCost(this);
        }
    }
}
