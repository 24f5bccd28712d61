package ai.spikelm.zoo.djl;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslatorContext;
import ai.spikelm.zoo.bert.SpikeBertModel;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.Pooling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Text → sentence embedding from a bare encoder ({@code BertModel}): pooling {@code mean}
 * (default), {@code cls}, {@code max} or {@code mean_sqrt_len} over the real tokens, then L2
 * normalisation unless {@code normalize=false}.
 */
public class TextEmbeddingTranslator extends BertTextTranslator<String, float[]> {

    private final Pooling pooling;
    private final boolean normalize;

    /**
     * Creates the translator.
     *
     * @param arguments the criteria arguments ({@link SpikeLmArguments})
     */
    public TextEmbeddingTranslator(Map<String, ?> arguments) {
        super(arguments);
        this.pooling = Pooling.of(SpikeLmArguments.string(arguments, SpikeLmArguments.POOLING, "mean"));
        this.normalize = SpikeLmArguments.bool(arguments, SpikeLmArguments.NORMALIZE, true);
    }

    @Override
    void checkModel(SpikeBertPreTrainedModel model) {
        if (!(model instanceof SpikeBertModel)) {
            throw new IllegalArgumentException(
                    "Text embedding needs a bare encoder, but the model is "
                            + model.architecture()
                            + "; pass optArgument(\"architecture\", \"BertModel\")");
        }
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
    public List<float[]> batchProcessOutput(TranslatorContext ctx, NDList list) {
        EncodedBatch batch = (EncodedBatch) ctx.getAttachment(BATCH);
        return new ArrayList<>(Arrays.asList(pooling.vectors(list.get(0), batch.attentionMask(), normalize)));
    }
}
