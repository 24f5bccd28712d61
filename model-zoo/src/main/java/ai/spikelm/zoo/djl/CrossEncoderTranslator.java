package ai.spikelm.zoo.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslatorContext;
import ai.djl.util.StringPair;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.family.SequenceClassifierModel;
import ai.spikelm.zoo.text.EncoderTokenizer;
import ai.spikelm.zoo.text.TokenizedTexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cross-encoder scoring: a (query, passage) pair encoded as one sequence → the classifier's raw
 * logits (one value for a regression or relevance model).
 */
public class CrossEncoderTranslator extends EncoderTextTranslator<StringPair, float[]> {

    /**
     * Creates the translator.
     *
     * @param arguments the criteria arguments ({@link SpikeLmArguments})
     */
    public CrossEncoderTranslator(Map<String, ?> arguments) {
        super(arguments);
    }

    @Override
    void checkModel(TrainableModel model) {
        if (!(model instanceof SequenceClassifierModel)) {
            throw new IllegalArgumentException(
                    "Cross-encoder scoring needs a sequence classifier (BertForSequenceClassification), but the model is "
                            + model.architecture());
        }
    }

    @Override
    TokenizedTexts encode(EncoderTokenizer tokenizer, List<StringPair> inputs) {
        return tokenizer.encodePairs(inputs);
    }

    /** {@inheritDoc} */
    @Override
    public List<float[]> batchProcessOutput(TranslatorContext ctx, NDList list) {
        NDArray logits = list.get(0);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < logits.getShape().get(0); i++) {
            out.add(logits.get(i).toFloatArray());
        }
        return out;
    }
}
