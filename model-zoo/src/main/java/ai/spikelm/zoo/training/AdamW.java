package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.tracker.Tracker;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.weights.CheckpointReader;
import ai.spikelm.zoo.weights.HostTensor;
import ai.spikelm.zoo.weights.SafetensorsFile;
import ai.spikelm.zoo.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * AdamW (Loshchilov and Hutter) with weight decay decided by parameter name, global-norm gradient
 * clipping and savable state; the update of PyTorch's {@code torch.optim.AdamW}.
 *
 * <p>Per update, with the learning rate η from the schedule at the number of updates made so far,
 * t = that number + 1 and the gradients g already clipped:
 *
 * <pre>
 * θ ← θ − η·λ·θ                      only where the name takes decay (decoupled decay)
 * m ← β₁·m + (1 − β₁)·g
 * v ← β₂·v + (1 − β₂)·g²
 * θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * <p>η is the schedule's rate times the parameter's learning-rate scale (default 1; {@link
 * Builder#optLearningRateScale}), as PyTorch's parameter groups with their own {@code lr}: for
 * example a smaller rate for a pre-trained encoder than for a new head.
 *
 * <p>It is its own update loop over the parameters by their Hugging Face names ({@link
 * HfWeights#parameters}) rather than a DJL {@link ai.djl.training.optimizer.Optimizer}: a DJL
 * optimizer sees one parameter at a time by an opaque id, so it can neither exclude by name nor
 * clip by the norm over all gradients. By default bias, LayerNorm and SpikeLM amplitude ({@code
 * alpha}) parameters take no decay ({@link #isDecayExempt}); parameters that do not require a
 * gradient (frozen α, frozen layers) are left alone.
 *
 * <p>{@link #step()} reads the gradients the last backward passes accumulated, updates, and sets
 * the gradients to zero for the next accumulation. The moments live in the optimizer's own
 * manager; {@link #close()} frees them.
 *
 * <pre>{@code
 * AdamW adamW = AdamW.builder()
 *         .setModel(model)
 *         .setLearningRate(WarmupLinearSchedule.constant(2e-5f))
 *         .optWeightDecay(0.01f)
 *         .build();
 * }</pre>
 */
public final class AdamW implements AutoCloseable {

    /** Name suffix of a parameter's first moment in the state file (as in PyTorch). */
    public static final String EXP_AVG = "exp_avg";

    /** Name suffix of a parameter's second moment in the state file (as in PyTorch). */
    public static final String EXP_AVG_SQ = "exp_avg_sq";

    /** The state file name beside a checkpoint. */
    public static final String STATE_FILE = "optimizer.safetensors";

    private static final String STEP_KEY = "step";

    private final Map<String, Parameter> parameters;
    private final Tracker learningRate;
    private final double beta1;
    private final double beta2;
    private final float epsilon;
    private final float weightDecay;
    private final float maxGradNorm;
    private final Predicate<String> decays;
    private final Map<String, Float> learningRateScales;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    private NDManager stateManager;
    private int stepCount;

    private AdamW(Builder b) {
        this.parameters = distinct(b.parameters);
        this.learningRate = b.learningRate;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.weightDecay = b.weightDecay;
        this.maxGradNorm = b.maxGradNorm;
        this.decays = b.decays;
        Map<String, Float> scales = new LinkedHashMap<>();
        for (String name : parameters.keySet()) {
            double scale = b.learningRateScale.applyAsDouble(name);
            if (!(scale >= 0) || Double.isInfinite(scale)) {
                throw new IllegalArgumentException("learning-rate scale of " + name + " must be finite and >= 0, got " + scale);
            }
            scales.put(name, (float) scale);
        }
        this.learningRateScales = Collections.unmodifiableMap(scales);
    }

    /**
     * Returns the learning-rate scale of a parameter (see {@link Builder#optLearningRateScale}).
     *
     * @param name a parameter name this optimizer trains
     * @return the factor on the schedule's rate
     * @throws IllegalArgumentException for a name the optimizer does not have
     */
    public float learningRateScale(String name) {
        Float scale = learningRateScales.get(name);
        if (scale == null) {
            throw new IllegalArgumentException("AdamW has no parameter " + name);
        }
        return scale;
    }

    /** Keeps the first name of a parameter that appears under several (tied weights). */
    private static Map<String, Parameter> distinct(Map<String, Parameter> all) {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<String, Parameter> out = new LinkedHashMap<>();
        all.forEach(
                (name, p) -> {
                    if (seen.add(p)) {
                        out.put(name, p);
                    }
                });
        return Collections.unmodifiableMap(out);
    }

    /**
     * The default rule of which parameters take no weight decay: biases, LayerNorm parameters and
     * SpikeLM amplitudes, as Hugging Face's {@code ["bias", "LayerNorm.weight"]} plus α.
     *
     * @param name a Hugging Face parameter name
     * @return true if the name ends in {@code bias} or {@code alpha} or has a {@code LayerNorm}
     *     part
     */
    public static boolean isDecayExempt(String name) {
        List<String> parts = Arrays.asList(name.split("\\."));
        String last = parts.get(parts.size() - 1);
        return last.equals("bias")
                || last.equals(AbstractElasticSpikingBlock.AMPLITUDE)
                || parts.contains("LayerNorm");
    }

    /**
     * Returns whether a parameter takes weight decay.
     *
     * @param name the parameter's name
     * @return true if the decay rule applies decay to it (whatever the decay rate)
     */
    public boolean appliesWeightDecay(String name) {
        return decays.test(name);
    }

    /**
     * Returns the parameters this optimizer updates (when they require a gradient), by name.
     *
     * @return name → parameter, each parameter once
     */
    public Map<String, Parameter> getParameters() {
        return parameters;
    }

    /**
     * Returns the number of updates made (the schedule position).
     *
     * @return the update count
     */
    public int getStepCount() {
        return stepCount;
    }

    /**
     * Returns the learning rate the next update will use.
     *
     * @return η at the current update count
     */
    public float getLearningRate() {
        return learningRate.getNewValue(stepCount);
    }

    /**
     * Returns the schedule.
     *
     * @return the learning-rate tracker
     */
    public Tracker getSchedule() {
        return learningRate;
    }

    /**
     * Makes one update from the accumulated gradients, then zeroes them.
     *
     * @return the gradient norm before clipping and the learning rate used
     * @throws IllegalStateException if a gradient is NaN or infinite (the gradients are zeroed and
     *     nothing is updated)
     */
    public StepResult step() {
        List<Map.Entry<String, Parameter>> trainable = trainable();
        if (trainable.isEmpty()) {
            throw new IllegalStateException("No parameter requires a gradient: nothing to train");
        }
        try (NDManager scratch = stateManager(trainable).newSubManager()) {
            NDList grads = new NDList(trainable.size());
            for (Map.Entry<String, Parameter> e : trainable) {
                NDArray weight = e.getValue().getArray();
                weight.tempAttach(scratch);
                for (NDArray moment : moments(e.getKey(), weight)) {
                    moment.tempAttach(scratch);
                }
                grads.add(weight.getGradient());
            }
            float norm = globalNorm(grads);
            if (!Float.isFinite(norm)) {
                String culprit = firstNonFinite(trainable, grads);
                zero(grads);
                throw new IllegalStateException(
                        "Gradient norm is " + norm + " at update " + stepCount + " (first bad gradient: " + culprit + ")");
            }
            boolean clipped = maxGradNorm > 0f && norm > maxGradNorm;
            // As torch.nn.utils.clip_grad_norm_: scale by max/(norm + 1e-6) when above the max.
            float scale = clipped ? maxGradNorm / (norm + 1e-6f) : 1f;
            float lr = learningRate.getNewValue(stepCount);
            int t = stepCount + 1;
            float correction1 = (float) (1.0 - Math.pow(beta1, t));
            float correction2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, t));
            for (int i = 0; i < trainable.size(); i++) {
                String name = trainable.get(i).getKey();
                NDArray weight = trainable.get(i).getValue().getArray();
                NDArray grad = clipped ? grads.get(i).mul(scale) : grads.get(i);
                NDArray[] mv = moments.get(name);
                float rate = lr * learningRateScales.get(name);
                if (weightDecay != 0f && decays.test(name)) {
                    weight.subi(weight.mul(rate * weightDecay));
                }
                mv[0].muli((float) beta1).addi(grad.mul((float) (1 - beta1)));
                mv[1].muli((float) beta2).addi(grad.square().mul((float) (1 - beta2)));
                NDArray denominator = mv[1].sqrt().div(correction2Sqrt).add(epsilon);
                weight.subi(mv[0].div(denominator).mul(rate / correction1));
            }
            zero(grads);
            stepCount++;
            return new StepResult(norm, lr, clipped);
        }
    }

    /** Sets every trainable parameter's gradient to zero, for example after an aborted step. */
    public void zeroGradients() {
        List<Map.Entry<String, Parameter>> trainable = trainable();
        if (trainable.isEmpty()) {
            return;
        }
        try (NDManager scratch = stateManager(trainable).newSubManager()) {
            NDList grads = new NDList();
            for (Map.Entry<String, Parameter> e : trainable) {
                NDArray weight = e.getValue().getArray();
                weight.tempAttach(scratch);
                grads.add(weight.getGradient());
            }
            zero(grads);
        }
    }

    private List<Map.Entry<String, Parameter>> trainable() {
        List<Map.Entry<String, Parameter>> out = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Parameter p = e.getValue();
            if (p.requiresGradient() && p.isInitialized()) {
                out.add(e);
            }
        }
        return out;
    }

    private NDManager stateManager(List<Map.Entry<String, Parameter>> trainable) {
        if (stateManager == null) {
            stateManager = NDManager.newBaseManager(trainable.get(0).getValue().getArray().getDevice());
        }
        return stateManager;
    }

    private NDArray[] moments(String name, NDArray weight) {
        return moments.computeIfAbsent(
                name,
                k ->
                        new NDArray[] {
                            stateManager.zeros(weight.getShape(), weight.getDataType()),
                            stateManager.zeros(weight.getShape(), weight.getDataType())
                        });
    }

    private static float globalNorm(NDList grads) {
        NDList squares = new NDList(grads.size());
        for (NDArray g : grads) {
            squares.add(g.square().sum());
        }
        return NDArrays.stack(squares).sum().sqrt().getFloat();
    }

    private static String firstNonFinite(List<Map.Entry<String, Parameter>> trainable, NDList grads) {
        for (int i = 0; i < grads.size(); i++) {
            if (!Float.isFinite(grads.get(i).square().sum().getFloat())) {
                return trainable.get(i).getKey();
            }
        }
        return "none (the sum overflowed)";
    }

    private static void zero(NDList grads) {
        for (NDArray g : grads) {
            g.muli(0f);
        }
    }

    /**
     * Returns the moments in PyTorch-like names ({@code <parameter>.exp_avg}, {@code
     * <parameter>.exp_avg_sq}); empty before the first update.
     *
     * @return name → tensor
     */
    public Map<String, HostTensor> exportState() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        moments.forEach(
                (name, mv) -> {
                    out.put(name + "." + EXP_AVG, HostTensor.of(mv[0]));
                    out.put(name + "." + EXP_AVG_SQ, HostTensor.of(mv[1]));
                });
        return out;
    }

    /**
     * Saves the moments and the update count to a safetensors file (the count in its metadata).
     *
     * @param file the file, replaced atomically
     * @throws IOException if it cannot be written
     */
    public void save(Path file) throws IOException {
        SafetensorsWriter.write(file, exportState(), Map.of(STEP_KEY, Integer.toString(stepCount)));
    }

    /**
     * Restores the moments and update count saved by {@link #save}.
     *
     * @param file the state file
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it names an unknown parameter, a shape differs or the
     *     count is missing
     */
    public void load(Path file) throws IOException {
        try (CheckpointReader reader = SafetensorsFile.open(file)) {
            String step = reader.metadata().get(STEP_KEY);
            if (step == null) {
                throw new IllegalArgumentException(file + " has no '" + STEP_KEY + "' in its metadata");
            }
            loadState(reader.tensors(), Integer.parseInt(step));
        }
    }

    /**
     * Restores moments exported by {@link #exportState()} and the update count.
     *
     * @param state name → tensor
     * @param steps the number of updates made
     * @throws IllegalArgumentException if a name is unknown, a moment is missing its pair or a
     *     shape differs
     */
    public void loadState(Map<String, HostTensor> state, int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("update count must be >= 0, got " + steps);
        }
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (String key : state.keySet()) {
            String name = stripSuffix(key);
            Parameter p = name == null ? null : parameters.get(name);
            if (p == null || !p.isInitialized()) {
                throw new IllegalArgumentException("Optimizer state '" + key + "' names no parameter of this model");
            }
            if (!state.containsKey(name + "." + EXP_AVG) || !state.containsKey(name + "." + EXP_AVG_SQ)) {
                throw new IllegalArgumentException("Optimizer state of '" + name + "' lacks one of its moments");
            }
            if (!Arrays.equals(state.get(key).shape(), p.getArray().getShape().getShape())) {
                throw new IllegalArgumentException(
                        "Optimizer state '" + key + "' has shape " + Arrays.toString(state.get(key).shape())
                                + ", parameter has " + p.getArray().getShape());
            }
            weights.put(name, p.getArray());
        }
        List<Map.Entry<String, Parameter>> all = new ArrayList<>(parameters.entrySet());
        if (stateManager == null && !all.isEmpty()) {
            stateManager = NDManager.newBaseManager(all.get(0).getValue().getArray().getDevice());
        }
        clearMoments();
        weights.forEach(
                (name, weight) -> {
                    NDArray m = state.get(name + "." + EXP_AVG).toNDArray(stateManager);
                    NDArray v = state.get(name + "." + EXP_AVG_SQ).toNDArray(stateManager);
                    moments.put(name, new NDArray[] {m, v});
                });
        stepCount = steps;
    }

    private static String stripSuffix(String key) {
        for (String suffix : List.of("." + EXP_AVG_SQ, "." + EXP_AVG)) {
            if (key.endsWith(suffix)) {
                return key.substring(0, key.length() - suffix.length());
            }
        }
        return null;
    }

    private void clearMoments() {
        for (NDArray[] mv : moments.values()) {
            mv[0].close();
            mv[1].close();
        }
        moments.clear();
    }

    /** Frees the moments. */
    @Override
    public void close() {
        clearMoments();
        if (stateManager != null) {
            stateManager.close();
            stateManager = null;
        }
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What one update did.
     *
     * @param gradientNorm the global L2 norm of all gradients before clipping
     * @param learningRate the learning rate used
     * @param clipped whether the gradients were scaled down
     */
    public record StepResult(float gradientNorm, float learningRate, boolean clipped) {}

    /** Builds an {@link AdamW}; defaults are Hugging Face's {@code TrainingArguments}. */
    public static final class Builder {
        private Map<String, Parameter> parameters;
        private Tracker learningRate;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private float epsilon = 1e-8f;
        private float weightDecay;
        private float maxGradNorm = 1f;
        private Predicate<String> decays = name -> !isDecayExempt(name);
        private ToDoubleFunction<String> learningRateScale = name -> 1.0;

        Builder() {}

        /**
         * Sets the model whose parameters to train (this or {@link #setParameters} is required).
         *
         * @param model the model
         * @return this builder
         */
        public Builder setModel(Block model) {
            this.parameters = HfWeights.parameters(Objects.requireNonNull(model, "model"));
            return this;
        }

        /**
         * Sets the parameters to train by name.
         *
         * @param parameters name → parameter
         * @return this builder
         */
        public Builder setParameters(Map<String, Parameter> parameters) {
            this.parameters = new LinkedHashMap<>(parameters);
            return this;
        }

        /**
         * Sets the learning-rate schedule (required), indexed by the number of updates made.
         *
         * @param schedule for example a {@link WarmupLinearSchedule}
         * @return this builder
         */
        public Builder setLearningRate(Tracker schedule) {
            this.learningRate = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /**
         * Sets β₁ and β₂ (default 0.9 and 0.999). They are doubles, as in PyTorch, so that 1 − β
         * is computed exactly before it meets float arithmetic.
         *
         * @param beta1 in [0, 1)
         * @param beta2 in [0, 1)
         * @return this builder
         */
        public Builder optBetas(double beta1, double beta2) {
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets ε (default 1e-8).
         *
         * @param epsilon a positive number
         * @return this builder
         */
        public Builder optEpsilon(float epsilon) {
            if (!(epsilon > 0f)) {
                throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
            }
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Sets the decoupled weight decay λ (default 0, as the SpikeLM reference).
         *
         * @param weightDecay λ ≥ 0
         * @return this builder
         */
        public Builder optWeightDecay(float weightDecay) {
            if (!(weightDecay >= 0f) || Float.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
            }
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Sets the largest global gradient norm (default 1.0); 0 turns clipping off.
         *
         * @param maxNorm the norm, ≥ 0
         * @return this builder
         */
        public Builder optMaxGradNorm(float maxNorm) {
            if (!(maxNorm >= 0f)) {
                throw new IllegalArgumentException("max gradient norm must be >= 0, got " + maxNorm);
            }
            this.maxGradNorm = maxNorm;
            return this;
        }

        /**
         * Sets which parameters take weight decay, by name (default: all but {@link
         * #isDecayExempt}).
         *
         * @param appliesDecay true for the names that decay
         * @return this builder
         */
        public Builder optDecayFilter(Predicate<String> appliesDecay) {
            this.decays = Objects.requireNonNull(appliesDecay, "appliesDecay");
            return this;
        }

        /**
         * Sets a factor on the learning rate per parameter name (default 1 for all), for example
         * {@code name -> name.startsWith("bert.encoder.") ? 0.1 : 1} to fine-tune a pre-trained
         * encoder ten times slower than its head. Weight decay scales with it, as in a PyTorch
         * parameter group. Freeze a parameter ({@code Parameter.freeze}) rather than give it 0, so
         * that no gradient is computed for it.
         *
         * @param scale name → factor, finite and ≥ 0
         * @return this builder
         */
        public Builder optLearningRateScale(ToDoubleFunction<String> scale) {
            this.learningRateScale = Objects.requireNonNull(scale, "scale");
            return this;
        }

        /**
         * Builds the optimizer.
         *
         * @return the optimizer
         * @throws IllegalArgumentException if the parameters or the learning rate are missing, or a
         *     learning-rate scale is negative or not finite
         */
        public AdamW build() {
            if (parameters == null) {
                throw new IllegalArgumentException("AdamW needs setModel(...) or setParameters(...)");
            }
            if (learningRate == null) {
                throw new IllegalArgumentException("AdamW needs setLearningRate(...)");
            }
            return new AdamW(this);
        }
    }
}
