package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertForMaskedLM;
import ai.spikelm.zoo.bert.SpikeBertForPreTraining;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.EncodedBatch;
import java.util.Objects;

/**
 * The pre-training loss of the SpikeLM reference: masked-LM cross-entropy over the selected
 * positions plus, for a model with the next-sentence head ({@link
 * ai.spikelm.zoo.bert.SpikeBertForPreTraining}), the next-sentence cross-entropy against the
 * batch's labels (1 when the second segment is random, as in Hugging Face), summed as Hugging Face
 * sums them.
 *
 * <p>Batches carry the original token ids; each micro-batch is masked afresh with the step's
 * random source, so every epoch sees new masks and a seed fixes them all. Reports {@code
 * mlm_loss} and {@code nsp_loss}.
 */
public final class PreTrainingObjective implements Objective<SpikeBertPreTrainedModel> {

    private final MlmMasker masker;

    /**
     * Creates the objective.
     *
     * @param masker the masking rule
     */
    public PreTrainingObjective(MlmMasker masker) {
        this.masker = Objects.requireNonNull(masker, "masker");
    }

    /** {@inheritDoc} */
    @Override
    public NDArray loss(SpikeBertPreTrainedModel model, TrainingBatch batch, StepContext context) {
        if (!(model instanceof SpikeBertForMaskedLM || model instanceof SpikeBertForPreTraining)) {
            throw new IllegalArgumentException(
                    "Pre-training needs BertForMaskedLM or BertForPreTraining, not " + model.architecture());
        }
        NDManager manager = context.getManager();
        EncodedBatch in = batch.inputs();
        MlmMasker.Masked masked = masker.mask(in.inputIds(), in.attentionMask(), context.getRandom());
        NDList inputs = model.inputs(new EncodedBatch(masked.inputIds(), in.attentionMask(), in.tokenTypeIds()), manager);
        NDList outputs = model.forward(context.getParameterStore(), inputs, true);
        NDArray mlm = Losses.softmaxCrossEntropy(outputs.get(0), manager.create(masked.labels()));
        context.report("mlm_loss", mlm);
        if (outputs.size() < 2) {
            return mlm;
        }
        if (batch.labels() == null) {
            throw new IllegalArgumentException("A model with the next-sentence head needs batches with labels");
        }
        NDArray nsp = Losses.softmaxCrossEntropy(outputs.get(1), batch.labelArray(manager));
        context.report("nsp_loss", nsp);
        return mlm.add(nsp);
    }
}
