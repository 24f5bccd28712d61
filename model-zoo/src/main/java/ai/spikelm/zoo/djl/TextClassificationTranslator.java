package ai.spikelm.zoo.djl;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslatorContext;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertForSequenceClassification;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Text → labels with probabilities (softmax over the classifier's logits, labels from {@code
 * id2label}); for a regression model, one entry {@code score} holding the predicted value.
 */
public class TextClassificationTranslator extends BertTextTranslator<String, Classifications> {

    /** The label of a regression model's single output. */
    public static final String SCORE = "score";

    private final int topK;
    private SpikeBertConfig config;

    /**
     * Creates the translator.
     *
     * @param arguments the criteria arguments ({@link SpikeLmArguments})
     */
    public TextClassificationTranslator(Map<String, ?> arguments) {
        super(arguments);
        this.topK = SpikeLmArguments.integer(arguments, SpikeLmArguments.TOP_K, 5);
    }

    @Override
    void checkModel(SpikeBertPreTrainedModel model) {
        if (!(model instanceof SpikeBertForSequenceClassification)) {
            throw new IllegalArgumentException(
                    "Text classification needs BertForSequenceClassification, but the model is " + model.architecture());
        }
        config = model.getConfig();
    }

    @Override
    Encoding[] encode(HuggingFaceTokenizer tokenizer, List<String> inputs) {
        for (int i = 0; i < inputs.size(); i++) {
            requireText(inputs.get(i), i);
        }
        return tokenizer.batchEncode(inputs);
    }

    /** {@inheritDoc} */
    @Override
    public List<Classifications> batchProcessOutput(TranslatorContext ctx, NDList list) {
        NDArray logits = list.get(0);
        List<Classifications> out = new ArrayList<>();
        for (int i = 0; i < logits.getShape().get(0); i++) {
            NDArray row = logits.get(i);
            if (config.isRegression()) {
                out.add(new Classifications(List.of(SCORE), List.of((double) row.getFloat(0))));
            } else {
                List<String> labels = new ArrayList<>();
                for (int c = 0; c < row.size(); c++) {
                    labels.add(config.id2label().getOrDefault(c, "LABEL_" + c));
                }
                out.add(new Classifications(labels, row.softmax(0), topK));
            }
        }
        return out;
    }
}
