package ai.spikelm.zoo.djl;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslatorContext;
import ai.spikelm.zoo.bert.SpikeBertForMaskedLM;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.EncodedBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fill-mask: a text with exactly one {@code [MASK]} → the {@code topK} most likely tokens for it,
 * with their probabilities.
 */
public class FillMaskTranslator extends BertTextTranslator<String, Classifications> {

    /** The mask token of BERT vocabularies. */
    public static final String MASK = "[MASK]";

    private final int topK;

    /**
     * Creates the translator.
     *
     * @param arguments the criteria arguments ({@link SpikeLmArguments})
     */
    public FillMaskTranslator(Map<String, ?> arguments) {
        super(arguments);
        this.topK = SpikeLmArguments.integer(arguments, SpikeLmArguments.TOP_K, 5);
    }

    @Override
    void checkModel(SpikeBertPreTrainedModel model) {
        if (!(model instanceof SpikeBertForMaskedLM)) {
            throw new IllegalArgumentException("Fill-mask needs BertForMaskedLM, but the model is " + model.architecture());
        }
    }

    @Override
    Encoding[] encode(HuggingFaceTokenizer tokenizer, List<String> inputs) {
        for (int i = 0; i < inputs.size(); i++) {
            requireText(inputs.get(i), i);
            int masks = inputs.get(i).split(java.util.regex.Pattern.quote(MASK), -1).length - 1;
            if (masks != 1) {
                throw new IllegalArgumentException("Input " + i + " must contain exactly one " + MASK + ", found " + masks);
            }
        }
        return tokenizer.batchEncode(inputs);
    }

    /** {@inheritDoc} */
    @Override
    public List<Classifications> batchProcessOutput(TranslatorContext ctx, NDList list) {
        EncodedBatch batch = (EncodedBatch) ctx.getAttachment(BATCH);
        long maskId = tokenizer().encode(MASK, false, false).getIds()[0];
        NDArray logits = list.get(0);
        List<Classifications> out = new ArrayList<>();
        for (int i = 0; i < batch.inputIds().length; i++) {
            int position = indexOf(batch.inputIds()[i], maskId);
            if (position < 0) {
                throw new IllegalArgumentException("Input " + i + " lost its " + MASK + " to truncation");
            }
            NDArray probabilities = logits.get(i, position).softmax(0);
            long[] best = probabilities.argSort(0, false).get(":" + topK).toLongArray();
            List<String> tokens = new ArrayList<>();
            List<Double> scores = new ArrayList<>();
            for (long id : best) {
                tokens.add(tokenizer().decode(new long[] {id}));
                scores.add((double) probabilities.getFloat(id));
            }
            out.add(new Classifications(tokens, scores));
        }
        return out;
    }

    private static int indexOf(long[] ids, long id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }
}
