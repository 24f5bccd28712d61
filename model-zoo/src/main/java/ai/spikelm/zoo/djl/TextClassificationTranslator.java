package ai.spikelm.zoo.djl;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslatorContext;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.family.SequenceClassifierModel;
import ai.spikelm.zoo.text.EncoderTokenizer;
import ai.spikelm.zoo.text.TokenizedTexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Text → labels with probabilities (softmax over the classifier's logits, labels from {@code
 * id2label}); for a regression model, one entry {@code score} holding the predicted value.
 */
public class TextClassificationTranslator extends EncoderTextTranslator<String, Classifications> {

    /** The label of a regression model's single output. */
    public static final String SCORE = "score";

    private final int topK;
    private SequenceClassifierModel classifier;

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
    void checkModel(TrainableModel model) {
        if (!(model instanceof SequenceClassifierModel)) {
            throw new IllegalArgumentException(
                    "Text classification needs a sequence classifier (BertForSequenceClassification), but the model is "
                            + model.architecture());
        }
        classifier = (SequenceClassifierModel) model;
    }

    @Override
    TokenizedTexts encode(EncoderTokenizer tokenizer, List<String> inputs) {
        return tokenizer.encode(inputs);
    }

    /** {@inheritDoc} */
    @Override
    public List<Classifications> batchProcessOutput(TranslatorContext ctx, NDList list) {
        NDArray logits = list.get(0);
        List<Classifications> out = new ArrayList<>();
        for (int i = 0; i < logits.getShape().get(0); i++) {
            NDArray row = logits.get(i);
            if (classifier.isRegression()) {
                out.add(new Classifications(List.of(SCORE), List.of((double) row.getFloat(0))));
            } else {
                List<String> labels = new ArrayList<>();
                for (int c = 0; c < row.size(); c++) {
                    labels.add(classifier.id2label().getOrDefault(c, "LABEL_" + c));
                }
                out.add(new Classifications(labels, row.softmax(0), topK));
            }
        }
        return out;
    }
}
