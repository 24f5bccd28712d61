package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;

/**
 * The fine-tuning loss of a sequence classifier, as Hugging Face's {@code
 * BertForSequenceClassification} computes it: softmax cross-entropy against the batch's labels,
 * or, for a regression head ({@link SpikeBertConfig#isRegression()}), the mean squared error
 * against its targets.
 */
public final class TaskObjective implements Objective<SpikeBertPreTrainedModel> {

    /** Creates the objective. */
    public TaskObjective() {}

    /** {@inheritDoc} */
    @Override
    public NDArray loss(SpikeBertPreTrainedModel model, TrainingBatch batch, StepContext context) {
        NDManager manager = context.getManager();
        NDArray logits =
                model.forward(context.getParameterStore(), model.inputs(batch.inputs(), manager), true).get(0);
        return taskLoss(model.getConfig(), logits, batch, manager);
    }

    /**
     * Returns the task loss of logits.
     *
     * @param config the model's config (regression or classification)
     * @param logits {@code [B, num_labels]}
     * @param batch the batch with labels or targets
     * @param manager the manager for the label array
     * @return cross-entropy or mean squared error
     * @throws IllegalArgumentException if the batch lacks what the head needs
     */
    static NDArray taskLoss(SpikeBertConfig config, NDArray logits, TrainingBatch batch, NDManager manager) {
        if ("multi_label_classification".equals(config.problemType())) {
            throw new IllegalArgumentException("multi_label_classification is not supported");
        }
        if (config.isRegression()) {
            if (batch.targets() == null) {
                throw new IllegalArgumentException("A regression head needs batches with targets");
            }
            return Losses.mse(logits, batch.targetArray(manager));
        }
        if (batch.labels() == null) {
            throw new IllegalArgumentException("A classification head needs batches with labels");
        }
        return Losses.softmaxCrossEntropy(logits, batch.labelArray(manager));
    }
}
