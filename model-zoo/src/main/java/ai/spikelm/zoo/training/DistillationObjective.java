package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.spikelm.ops.ScalarOps;
import ai.djl.ndarray.types.DataType;
import ai.spikelm.zoo.bert.SpikeBertForMaskedLM;
import ai.spikelm.zoo.bert.SpikeBertForSequenceClassification;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.Pooling;
import java.util.Arrays;
import java.util.Objects;

/**
 * Knowledge distillation from an ANN teacher, the cheap route from a pre-trained BERT to a usable
 * SpikeLM (BiPFT/TinyBERT/MiniLM style). Task-agnostic (general) distillation on unlabelled text
 * uses the first three terms; task distillation adds the last two:
 *
 * <pre>
 * loss = w_hidden    · hiddenStateMse(student states, teacher states, real tokens)     every layer
 *      + w_attention · attentionKl(student, teacher attention distributions)            every layer
 *      + w_embedding · cosineDistance(pooled student, pooled teacher)                    sentence vector
 *      + w_similarity · similarityMse(pooled student, pooled teacher)   in-batch cosine matrices
 *      + w_mlm       · masked-LM cross-entropy (models with an MLM head; both see the masked text)
 *      + w_logits    · T² · softCE(student logits / T, teacher logits / T)  (MSE for regression)
 *      + w_task      · task loss against the labels                         (see TaskObjective)
 * </pre>
 *
 * <p>Hidden states are the embedding output and every layer's output averaged over T ({@link
 * SpikeBertPreTrainedModel#forwardWithHiddenStates}); student state i is paired with teacher state
 * {@code layerMap[i]}, by default i·(teacher layers / student layers), so equal depths pair one to
 * one and a student half as deep takes every other teacher layer. Attention maps pair the same way
 * (student layer i with teacher layer {@code layerMap[i + 1] − 1}); the teacher's single ANN map
 * is compared with each of the student's T steps. Student and teacher must have the same hidden
 * size. The teacher runs in inference mode and is frozen when the objective is built. Each
 * weighted term is reported under its name: {@code hidden_mse}, {@code attention_kl}, {@code
 * embedding_cos}, {@code similarity_mse}, {@code mlm_loss}, {@code logit_kd}, {@code task_loss}.
 *
 * <pre>{@code
 * Objective kd = DistillationObjective.builder()
 *         .setTeacher(annTeacher)            // same architecture, spikelm.spiking = false
 *         .optAttentionWeight(1f)
 *         .optEmbeddingWeight(1f)
 *         .build();
 * }</pre>
 */
public final class DistillationObjective implements Objective<SpikeBertPreTrainedModel> {

    private final SpikeBertPreTrainedModel teacher;
    private final float hiddenWeight;
    private final float attentionWeight;
    private final float embeddingWeight;
    private final float similarityWeight;
    private final Pooling pooling;
    private final MlmMasker masker;
    private final float mlmWeight;
    private final float logitWeight;
    private final float taskWeight;
    private final float temperature;
    private final int[] layerMap;

    private DistillationObjective(Builder b) {
        this.teacher = b.teacher;
        this.hiddenWeight = b.hiddenWeight;
        this.attentionWeight = b.attentionWeight;
        this.embeddingWeight = b.embeddingWeight;
        this.similarityWeight = b.similarityWeight;
        this.pooling = b.pooling;
        this.masker = b.masker;
        this.mlmWeight = b.mlmWeight;
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
        EncodedBatch in = batch.inputs();
        MlmMasker.Masked masked = mlmWeight == 0f ? null : masker.mask(in.inputIds(), in.attentionMask(), context.getRandom());
        NDList inputs = model.inputs(masked == null ? in : new EncodedBatch(masked.inputIds(), in.attentionMask(), in.tokenTypeIds()), manager);
        boolean attentions = attentionWeight != 0f;
        context.lend(teacher);
        var taught = teacher.forwardWithHiddenStates(context.getParameterStore(), inputs, false, attentions);
        var student = model.forwardWithHiddenStates(context.getParameterStore(), inputs, true, attentions);
        NDArray mask = manager.create(in.attentionMask());
        int[] map = layerMap(model);

        NDArray loss = null;
        if (hiddenWeight != 0f) {
            NDList paired = new NDList(map.length);
            for (int teacherState : map) {
                paired.add(taught.hiddenStates().get(teacherState));
            }
            loss = term(loss, "hidden_mse", Losses.hiddenStateMse(student.hiddenStates(), paired, mask), hiddenWeight, context);
        }
        if (attentions) {
            NDList paired = new NDList(map.length - 1);
            for (int i = 1; i < map.length; i++) {
                paired.add(taught.attentionLogProbs().get(map[i] - 1));
            }
            loss = term(loss, "attention_kl", Losses.attentionKl(student.attentionLogProbs(), paired, mask), attentionWeight, context);
        }
        if (embeddingWeight != 0f || similarityWeight != 0f) {
            NDArray tokens = mask.toType(DataType.FLOAT32, false).expandDims(2);
            NDList s = student.hiddenStates();
            NDList t = taught.hiddenStates();
            NDArray pooledStudent = pooling.apply(s.get(s.size() - 1), tokens, false);
            NDArray pooledTeacher = pooling.apply(t.get(t.size() - 1), tokens, false);
            if (embeddingWeight != 0f) {
                loss = term(loss, "embedding_cos", Losses.cosineDistance(pooledStudent, pooledTeacher), embeddingWeight, context);
            }
            if (similarityWeight != 0f) {
                loss = term(loss, "similarity_mse", Losses.similarityMse(pooledStudent, pooledTeacher), similarityWeight, context);
            }
        }
        if (mlmWeight != 0f) {
            NDArray ce = Losses.softmaxCrossEntropy(student.outputs().get(0), manager.create(masked.labels()));
            loss = term(loss, "mlm_loss", ce, mlmWeight, context);
        }
        if (logitWeight != 0f) {
            NDArray logits = student.outputs().get(0);
            NDArray teacherLogits = taught.outputs().get(0).stopGradient();
            NDArray kd = model.getConfig().isRegression()
                    ? Losses.mse(logits, teacherLogits)
                    : Losses.softTargetCrossEntropy(logits, teacherLogits, temperature);
            loss = term(loss, "logit_kd", kd, logitWeight, context);
        }
        if (taskWeight != 0f) {
            NDArray task = TaskObjective.taskLoss(model.getConfig(), student.outputs().get(0), batch, manager);
            loss = term(loss, "task_loss", task, taskWeight, context);
        }
        return loss;
    }

    private int[] layerMap(SpikeBertPreTrainedModel model) {
        int[] map = layerMap != null
                ? layerMap
                : uniformLayerMap(model.getConfig().numHiddenLayers(), teacher.getConfig().numHiddenLayers());
        if (map.length != model.getConfig().numHiddenLayers() + 1) {
            throw new IllegalArgumentException(
                    "Layer map has " + map.length + " entries for " + (model.getConfig().numHiddenLayers() + 1) + " student states");
        }
        return map;
    }

    /** Reports a term and adds it, weighted, to the sum. */
    private static NDArray term(NDArray sum, String name, NDArray value, float weight, StepContext context) {
        context.report(name, value);
        NDArray weighted = ScalarOps.mul(value, weight);
        return sum == null ? weighted : sum.add(weighted);
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
        private float attentionWeight;
        private float embeddingWeight;
        private float similarityWeight;
        private Pooling pooling = Pooling.MEAN;
        private MlmMasker masker;
        private float mlmWeight;
        private Float logitWeight;
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
         * Sets the weight of the attention-distribution KL divergence (default 0).
         *
         * @param weight ≥ 0
         * @return this builder
         */
        public Builder optAttentionWeight(float weight) {
            this.attentionWeight = weight(weight);
            return this;
        }

        /**
         * Sets the weight of the cosine distance between pooled sentence vectors (default 0).
         *
         * @param weight ≥ 0
         * @return this builder
         */
        public Builder optEmbeddingWeight(float weight) {
            this.embeddingWeight = weight(weight);
            return this;
        }

        /**
         * Sets the weight of the relational term (default 0): the squared difference between the
         * student's and the teacher's in-batch cosine similarities of pooled sentence vectors
         * ({@link Losses#similarityMse}). Batches need at least two sentences.
         *
         * @param weight ≥ 0
         * @return this builder
         */
        public Builder optSimilarityWeight(float weight) {
            this.similarityWeight = weight(weight);
            return this;
        }

        /**
         * Sets how the sentence vectors of the embedding and similarity terms are pooled (default mean of the real
         * tokens, as sentence-transformers).
         *
         * @param pooling the pooling
         * @return this builder
         */
        public Builder optPooling(Pooling pooling) {
            this.pooling = Objects.requireNonNull(pooling, "pooling");
            return this;
        }

        /**
         * Adds the masked-LM term for a student and teacher with an MLM head ({@link
         * ai.spikelm.zoo.bert.SpikeBertForMaskedLM}): both see the text masked by {@code masker}, and
         * the student's cross-entropy on the masked positions is added with this weight.
         *
         * @param masker the masking rule, for the tokenizer's vocabulary
         * @param weight &gt; 0
         * @return this builder
         */
        public Builder optMlm(MlmMasker masker, float weight) {
            this.masker = Objects.requireNonNull(masker, "masker");
            this.mlmWeight = weight(weight);
            return this;
        }

        /**
         * Sets the weight of the soft-target loss on the logits (default 1 for a teacher with a
         * classification head, 0 for a bare encoder or an MLM model, whose first output is not a
         * class distribution worth matching at every position).
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
            if (logitWeight == null) {
                logitWeight = teacher instanceof SpikeBertForSequenceClassification ? 1f : 0f;
            } else if (logitWeight > 0f && !(teacher instanceof SpikeBertForSequenceClassification)) {
                throw new IllegalArgumentException(
                        "The logit term needs a teacher with a classification head; this "
                                + teacher.architecture() + " has none");
            }
            if (mlmWeight > 0f && !(teacher instanceof SpikeBertForMaskedLM)) {
                throw new IllegalArgumentException(
                        "The masked-LM term needs a teacher with an MLM head (BertForMaskedLM); this "
                                + teacher.architecture() + " has none");
            }
            if (hiddenWeight + attentionWeight + embeddingWeight + similarityWeight + mlmWeight + logitWeight + taskWeight == 0f) {
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
