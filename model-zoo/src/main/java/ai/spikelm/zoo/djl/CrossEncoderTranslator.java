package ai.spikelm.zoo.djl;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslatorContext;
import ai.djl.util.PairList;
import ai.djl.util.StringPair;
import ai.spikelm.zoo.bert.SpikeBertForSequenceClassification;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cross-encoder scoring: a (query, passage) pair encoded as one sequence → the classifier's raw
 * logits (one value for a regression or relevance model).
 */
public class CrossEncoderTranslator extends BertTextTranslator<StringPair, float[]> {

    /**
     * Creates the translator.
     *
     * @param arguments the criteria arguments ({@link SpikeLmArguments})
     */
    public CrossEncoderTranslator(Map<String, ?> arguments) {
        super(arguments);
    }

    @Override
    void checkModel(SpikeBertPreTrainedModel model) {
        if (!(model instanceof SpikeBertForSequenceClassification)) {
            throw new IllegalArgumentException(
                    "Cross-encoder scoring needs BertForSequenceClassification, but the model is " + model.architecture());
        }
    }

    @Override
    Encoding[] encode(HuggingFaceTokenizer tokenizer, List<StringPair> inputs) {
        PairList<String, String> pairs = new PairList<>();
        for (int i = 0; i < inputs.size(); i++) {
            requireText(inputs.get(i).getKey(), i);
            requireText(inputs.get(i).getValue(), i);
            pairs.add(inputs.get(i).getKey(), inputs.get(i).getValue());
        }
        return tokenizer.batchEncode(pairs);
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
