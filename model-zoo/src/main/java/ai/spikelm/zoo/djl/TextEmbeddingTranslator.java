package ai.spikelm.zoo.djl;

import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslatorContext;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.family.EncoderModel;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelKind;
import ai.spikelm.zoo.text.EncoderTokenizer;
import ai.spikelm.zoo.text.TokenizedTexts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Text → sentence embedding from a bare encoder ({@link EncoderModel}, of any family): pooling
 * {@code mean} (default), {@code cls}, {@code max} or {@code mean_sqrt_len} over the real tokens, the
 * windows of a long text averaged ({@code longInputPolicy=average_windows}), then L2 normalisation
 * unless {@code normalize=false}: the steps of {@link ai.spikelm.zoo.text.EncoderPipeline}.
 */
public class TextEmbeddingTranslator extends EncoderTextTranslator<String, float[]> {

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
    void checkModel(TrainableModel model) {
        if (!(model instanceof EncoderModel)) {
            throw new IllegalArgumentException(
                    "Text embedding needs a bare encoder (families: " + ModelFamilies.knownFor(ModelKind.ENCODER)
                            + "), but the model is " + model.architecture()
                            + "; pass optArgument(\"modelKind\", \"encoder\"), or the family's bare encoder as"
                            + " optArgument(\"architecture\", ...) (BertModel for SpikeLM-BERT)");
        }
    }

    @Override
    boolean acceptsWindows() {
        return true;
    }

    @Override
    TokenizedTexts encode(EncoderTokenizer tokenizer, List<String> inputs) {
        return tokenizer.encode(inputs);
    }

    /** {@inheritDoc} */
    @Override
    public List<float[]> batchProcessOutput(TranslatorContext ctx, NDList list) {
        TokenizedTexts texts = (TokenizedTexts) ctx.getAttachment(TEXTS);
        EncodedBatch batch = (EncodedBatch) ctx.getAttachment(BATCH);
        float[][] rows = pooling.vectors(list.get(0), batch.attentionMask(), false);
        return new ArrayList<>(Arrays.asList(texts.combine(rows, normalize)));
    }
}
