package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.spikelm.ops.ScalarOps;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import java.util.Arrays;
import java.util.Objects;

/**
 * Knowledge distillation from an ANN teacher, the cheap route from a pre-trained BERT to a usable
 * SpikeLM (BiPFT/TinyBERT style):
 *
 * <pre>
 * loss = w_hidden · hiddenStateMse(student states, teacher states, real tokens)
 *      + w_logits · T² · softCE(student logits / T, teacher logits / T)    (MSE for regression)
 *      + w_task   · task loss against the labels                           (see TaskObjective)
 * </pre>
 *
 * <p>Hidden states are the embedding output and every layer's output averaged over T ({@link
 * SpikeBertPreTrainedModel#forwardWithHiddenStates}); student state i is paired with teacher state
 * {@code layerMap[i]}, by default i·(teacher layers / student layers), so equal depths pair one to
 * one and a student half as deep takes every other teacher layer. Student and teacher must have
 * the same hidden size. The teacher runs in inference mode and is frozen when the objective is
 * built. Reports {@code hidden_mse}, {@code logit_kd} and {@code task_loss} (when weighted).
 *
 * <pre>{@code
 * Objective kd = DistillationObjective.builder()
 *         .setTeacher(annTeacher)            // same architecture, spikelm.spiking = false
 *         .optTemperature(2f)
 *         .build();
 * }</pre>
 */
public final class DistillationObjective implements Objective<SpikeBertPreTrainedModel> {

    private final SpikeBertPreTrainedModel teacher;
    private final float hiddenWeight;
    private final float logitWeight;
    private final float taskWeight;
    private final float temperature;
    private final int[] layerMap;

    private DistillationObjective(Builder b) {
        this.teacher = b.teacher;
        this.hiddenWeight = b.hiddenWeight;
        this.logitWeight = b.logitWeight;
        this.taskWeight = b.taskWeight;
        this.temperature = b.temperature;
        this.layerMap = b.layerMap;
        teacher.freezeParameters(true);
    }

    /**
     * Returns the default pairing of student with teacher hidden states.
     *
     * @param studentLayers the student's layer count
     * @param teacherLayers the teacher's layer count, a multiple of the student's
     * @return for each student state 0..studentLayers, the teacher state it learns from
     * @throws IllegalArgumentException if the counts do not divide
     */
    public static int[] uniformLayerMap(int studentLayers, int teacherLayers) {
        if (studentLayers < 1 || teacherLayers % studentLayers != 0) {
            throw new IllegalArgumentException(
                    "Teacher layers (" + teacherLayers + ") must be a multiple of student layers (" + studentLayers
                            + "); give a layer map");
        }
        int stride = teacherLayers / studentLayers;
        int[] map = new int[studentLayers + 1];
        for (int i = 0; i <= studentLayers; i++) {
            map[i] = i * stride;
        }
        return map;
    }

    /**
     * Returns the teacher.
     *
     * @return the (frozen) teacher
     */
    public SpikeBertPreTrainedModel getTeacher() {
        return teacher;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray loss(SpikeBertPreTrainedModel model, TrainingBatch batch, StepContext context) {
        NDManager manager = context.getManager();
        NDList inputs = model.inputs(batch.inputs(), manager);
        context.lend(teacher);
        var taught = teacher.forwardWithHiddenStates(context.getParameterStore(), inputs, false);
        var student = model.forwardWithHiddenStates(context.getParameterStore(), inputs, true);
        NDArray logits = student.outputs().get(0);
        NDArray teacherLogits = taught.outputs().get(0).stopGradient();

        NDArray loss = null;
        if (hiddenWeight != 0f) {
            int[] map = layerMap != null
                    ? layerMap
                    : uniformLayerMap(model.getConfig().numHiddenLayers(), teacher.getConfig().numHiddenLayers());
            if (map.length != student.hiddenStates().size()) {
                throw new IllegalArgumentException(
                        "Layer map has " + map.length + " entries for " + student.hiddenStates().size() + " student states");
            }
            NDList paired = new NDList(map.length);
            for (int teacherState : map) {
                paired.add(taught.hiddenStates().get(teacherState));
            }
            NDArray mask = manager.create(batch.inputs().attentionMask());
            NDArray hidden = Losses.hiddenStateMse(student.hiddenStates(), paired, mask);
            context.report("hidden_mse", hidden);
            loss = ScalarOps.mul(hidden, hiddenWeight);
        }
        if (logitWeight != 0f) {
            NDArray kd = model.getConfig().isRegression()
                    ? Losses.mse(logits, teacherLogits)
                    : Losses.softTargetCrossEntropy(logits, teacherLogits, temperature);
            context.report("logit_kd", kd);
            loss = add(loss, ScalarOps.mul(kd, logitWeight));
        }
        if (taskWeight != 0f) {
            NDArray task = TaskObjective.taskLoss(model.getConfig(), logits, batch, manager);
            context.report("task_loss", task);
            loss = add(loss, ScalarOps.mul(task, taskWeight));
        }
        return loss;
    }

    private static NDArray add(NDArray sum, NDArray term) {
        return sum == null ? term : sum.add(term);
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link DistillationObjective}. */
    public static final class Builder {
        private SpikeBertPreTrainedModel teacher;
        private float hiddenWeight = 1f;
        private float logitWeight = 1f;
        private float taskWeight;
        private float temperature = 1f;
        private int[] layerMap;

        Builder() {}

        /**
         * Sets the teacher (required): an initialised model with the student's hidden size and
         * output layout, usually the ANN the student was converted from. It is frozen.
         *
         * @param teacher the teacher
         * @return this builder
         */
        public Builder setTeacher(SpikeBertPreTrainedModel teacher) {
            this.teacher = Objects.requireNonNull(teacher, "teacher");
            return this;
        }

        /**
         * Sets the weight of the hidden-state MSE (default 1).
         *
         * @param weight ≥ 0
         * @return this builder
         */
        public Builder optHiddenWeight(float weight) {
            this.hiddenWeight = weight(weight);
            return this;
        }

        /**
         * Sets the weight of the soft-target loss on the logits (default 1).
         *
         * @param weight ≥ 0
         * @return this builder
         */
        public Builder optLogitWeight(float weight) {
            this.logitWeight = weight(weight);
            return this;
        }

        /**
         * Sets the weight of the ordinary task loss against the labels (default 0).
         *
         * @param weight ≥ 0
         * @return this builder
         */
        public Builder optTaskWeight(float weight) {
            this.taskWeight = weight(weight);
            return this;
        }

        /**
         * Sets the softmax temperature T of the soft targets (default 1).
         *
         * @param temperature T &gt; 0
         * @return this builder
         */
        public Builder optTemperature(float temperature) {
            if (!(temperature > 0f) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be positive, got " + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        /**
         * Sets which teacher hidden state each student hidden state learns from.
         *
         * @param map for student states 0..N (0 is the embedding output), teacher state indices
         * @return this builder
         */
        public Builder optLayerMap(int... map) {
            this.layerMap = map.clone();
            return this;
        }

        private static float weight(float w) {
            if (!(w >= 0f) || Float.isInfinite(w)) {
                throw new IllegalArgumentException("loss weights must be finite and >= 0, got " + w);
            }
            return w;
        }

        /**
         * Builds the objective and freezes the teacher.
         *
         * @return the objective
         * @throws IllegalArgumentException if the teacher is missing, all weights are 0 or the layer
         *     map points outside the teacher
         */
        public DistillationObjective build() {
            if (teacher == null) {
                throw new IllegalArgumentException("DistillationObjective needs setTeacher(...)");
            }
            if (hiddenWeight == 0f && logitWeight == 0f && taskWeight == 0f) {
                throw new IllegalArgumentException("At least one loss weight must be positive");
            }
            if (layerMap != null) {
                int states = teacher.getConfig().numHiddenLayers() + 1;
                if (Arrays.stream(layerMap).anyMatch(i -> i < 0 || i >= states)) {
                    throw new IllegalArgumentException(
                            "Layer map " + Arrays.toString(layerMap) + " points outside the teacher's " + states + " states");
                }
            }
            return new DistillationObjective(this);
        }
    }
}
