package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.spikelm.ops.ScalarOps;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.family.CausalLmModel;
import java.util.Objects;

/**
 * The causal language-modelling loss: every position predicts the next token (cross-entropy over
 * the real, unpadded next tokens), optionally distilled from a language-model teacher (the ANN the
 * spiking model was converted from) by soft-target cross-entropy on the logits.
 *
 * <p>loss = w<sub>lm</sub> · CE(logits, next tokens) + w<sub>kd</sub> · T² · CE(softmax(t/T),
 * softmax(s/T)). The distillation term averages over every position, so batches for it should have
 * no padding, as {@link TokenWindows} makes them. Components are reported as {@code lm_loss} and
 * {@code logit_kd}.
 */
public final class CausalLmObjective implements Objective<CausalLmModel> {

    private final CausalLmModel teacher;
    private final float lmWeight;
    private final float distillWeight;
    private final float temperature;

    private CausalLmObjective(Builder b) {
        this.teacher = b.teacher;
        this.lmWeight = b.lmWeight;
        this.distillWeight = b.teacher == null ? 0f : b.distillWeight;
        this.temperature = b.temperature;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray loss(CausalLmModel model, TrainingBatch batch, StepContext context) {
        NDManager manager = context.getManager();
        NDList inputs = model.inputs(batch.inputs(), manager);
        NDArray logits = model.forward(context.getParameterStore(), inputs, true).singletonOrThrow();
        NDArray loss = null;
        if (lmWeight != 0f) {
            NDArray lm = Losses.softmaxCrossEntropy(logits, manager.create(nextTokenLabels(batch.inputs())));
            context.report("lm_loss", lm);
            loss = ScalarOps.mul(lm, lmWeight);
        }
        if (distillWeight != 0f) {
            context.lend(teacher);
            NDArray taught = teacher.forward(context.getParameterStore(), inputs, false).singletonOrThrow();
            NDArray kd = Losses.softTargetCrossEntropy(logits, taught, temperature);
            context.report("logit_kd", kd);
            NDArray term = ScalarOps.mul(kd, distillWeight);
            loss = loss == null ? term : loss.add(term);
        }
        return loss;
    }

    /**
     * The label of each position: the next token where it is real, {@link Losses#IGNORE_INDEX} at
     * the last position and where the next token is padding.
     *
     * @param batch the tokenized batch
     * @return {@code [B, L]} labels
     */
    public static long[][] nextTokenLabels(EncodedBatch batch) {
        long[][] ids = batch.inputIds();
        long[][] mask = batch.attentionMask();
        long[][] labels = new long[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            labels[b] = new long[ids[b].length];
            for (int t = 0; t < ids[b].length; t++) {
                boolean counted = t + 1 < ids[b].length && mask[b][t + 1] != 0;
                labels[b][t] = counted ? ids[b][t + 1] : Losses.IGNORE_INDEX;
            }
        }
        return labels;
    }

    /**
     * Returns the teacher.
     *
     * @return the teacher, or null without distillation
     */
    public CausalLmModel getTeacher() {
        return teacher;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link CausalLmObjective}; the defaults are the plain language-modelling loss. */
    public static final class Builder {
        private CausalLmModel teacher;
        private float lmWeight = 1f;
        private float distillWeight = 1f;
        private float temperature = 1f;

        Builder() {}

        /**
         * Sets a teacher to distill from (an initialised model with the same vocabulary), run in
         * inference mode.
         *
         * @param teacher the teacher
         * @return this builder
         */
        public Builder optTeacher(CausalLmModel teacher) {
            this.teacher = Objects.requireNonNull(teacher, "teacher");
            return this;
        }

        /**
         * Sets the weight of the next-token cross-entropy (default 1).
         *
         * @param weight ≥ 0
         * @return this builder
         */
        public Builder optLmWeight(float weight) {
            this.lmWeight = weight;
            return this;
        }

        /**
         * Sets the weight of the distillation term (default 1; ignored without a teacher).
         *
         * @param weight ≥ 0
         * @return this builder
         */
        public Builder optDistillWeight(float weight) {
            this.distillWeight = weight;
            return this;
        }

        /**
         * Sets the distillation temperature (default 1).
         *
         * @param temperature &gt; 0
         * @return this builder
         */
        public Builder optTemperature(float temperature) {
            this.temperature = temperature;
            return this;
        }

        /**
         * Builds the objective.
         *
         * @return the objective
         * @throws IllegalArgumentException if a weight is negative or not finite, both are zero,
         *     or the temperature is not positive
         */
        public CausalLmObjective build() {
            if (!(lmWeight >= 0f) || !(distillWeight >= 0f) || Float.isInfinite(lmWeight) || Float.isInfinite(distillWeight)) {
                throw new IllegalArgumentException("weights must be finite and >= 0, got lm " + lmWeight + ", distill " + distillWeight);
            }
            if (lmWeight == 0f && (teacher == null || distillWeight == 0f)) {
                throw new IllegalArgumentException("nothing to train: the lm weight is 0 and there is no distillation term");
            }
            if (!(temperature > 0f) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
            }
            return new CausalLmObjective(this);
        }
    }
}
