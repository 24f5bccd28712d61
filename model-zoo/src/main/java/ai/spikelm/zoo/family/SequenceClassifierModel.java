package ai.spikelm.zoo.family;

import ai.spikelm.zoo.core.TrainableModel;
import java.util.Map;

/**
 * An encoder with a sequence classification or regression head (Hugging Face's {@code
 * ForSequenceClassification}): its forward pass on {@link #inputs} returns the logits {@code [B,
 * labels]} first. A cross-encoder is one, on pairs of texts.
 */
public interface SequenceClassifierModel extends TrainableModel {

    /**
     * Returns the labels of the classes.
     *
     * @return class index → label (may be empty; classes without a label are {@code LABEL_i})
     */
    Map<Integer, String> id2label();

    /**
     * Returns whether the head is a regression (one output, the predicted value).
     *
     * @return true for a regression head
     */
    boolean isRegression();
}
