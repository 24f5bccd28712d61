package ai.spikelm.zoo.djl;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.TranslatorContext;
import ai.spikelm.zoo.bert.SpikeBertModel;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.EncodedBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Text → sentence embedding from a bare encoder ({@code BertModel}): pooling {@code mean}
 * (default), {@code cls}, {@code max} or {@code mean_sqrt_len} over the real tokens, then L2
 * normalisation unless {@code normalize=false}.
 */
public class TextEmbeddingTranslator extends BertTextTranslator<String, float[]> {

    /** How token vectors become one vector. */
    public enum Pooling {
        /** Mean of the real tokens (sentence-transformers' default). */
        MEAN,
        /** The first token ([CLS]). */
        CLS,
        /** Element-wise maximum over the real tokens. */
        MAX,
        /** Sum of the real tokens divided by the square root of their count. */
        MEAN_SQRT_LEN
    }

    private final Pooling pooling;
    private final boolean normalize;

    /**
     * Creates the translator.
     *
     * @param arguments the criteria arguments ({@link SpikeLmArguments})
     */
    public TextEmbeddingTranslator(Map<String, ?> arguments) {
        super(arguments);
        String name = SpikeLmArguments.string(arguments, SpikeLmArguments.POOLING, "mean");
        try {
            this.pooling = Pooling.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown pooling '" + name + "'; use mean, cls, max or mean_sqrt_len", e);
        }
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
        NDArray hidden = list.get(0);
        NDArray mask = ctx.getNDManager().create(batch.attentionMask()).toType(DataType.FLOAT32, false).expandDims(2);
        NDArray pooled = pool(hidden, mask);
        if (normalize) {
            pooled = pooled.div(pooled.norm(new int[] {1}, true).maximum(1e-12f));
        }
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < batch.inputIds().length; i++) {
            out.add(pooled.get(i).toFloatArray());
        }
        return out;
    }

    private NDArray pool(NDArray hidden, NDArray mask) {
        switch (pooling) {
            case CLS:
                return hidden.get(":, 0, :");
            case MAX:
                return hidden.add(mask.sub(1f).mul(1e9f)).max(new int[] {1});
            case MEAN_SQRT_LEN:
                return hidden.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).sqrt());
            default:
                return hidden.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}));
        }
    }
}
