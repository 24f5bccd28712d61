package ai.spikelm.zoo.djl;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslatorContext;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.family.MaskedLmModel;
import ai.spikelm.zoo.text.EncoderTokenizer;
import ai.spikelm.zoo.text.TokenizedTexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fill-mask: a text with exactly one {@code [MASK]} → the {@code topK} most likely tokens for it,
 * with their probabilities.
 */
public class FillMaskTranslator extends EncoderTextTranslator<String, Classifications> {

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
    void checkModel(TrainableModel model) {
        if (!(model instanceof MaskedLmModel)) {
            throw new IllegalArgumentException("Fill-mask needs a masked language model (BertForMaskedLM), but the model is " + model.architecture());
        }
    }

    @Override
    TokenizedTexts encode(EncoderTokenizer tokenizer, List<String> inputs) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == null || inputs.get(i).isBlank()) {
                throw new IllegalArgumentException("Text " + i + " is empty");
            }
            int masks = inputs.get(i).split(java.util.regex.Pattern.quote(MASK), -1).length - 1;
            if (masks != 1) {
                throw new IllegalArgumentException("Input " + i + " must contain exactly one " + MASK + ", found " + masks);
            }
        }
        return tokenizer.encode(inputs);
    }

    /** {@inheritDoc} */
    @Override
    public List<Classifications> batchProcessOutput(TranslatorContext ctx, NDList list) {
        EncodedBatch batch = (EncodedBatch) ctx.getAttachment(BATCH);
        long maskId = tokenizer().tokenId(MASK);
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
