package ai.spikelm.zoo.djl;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.TokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Common ground of the SpikeLM-BERT translators: the model's {@code tokenizer.json}, length policy
 * and the padded batch ({@code input_ids}, {@code attention_mask}, {@code token_type_ids}).
 *
 * <p>{@code Predictor.batchPredict} tokenises a whole batch at once and pads it to its longest
 * text; a single {@code predict} is a batch of one. Blank texts are refused; texts longer than
 * {@code maxLength} tokens are truncated, or refused with {@code truncation=false}. One translator
 * serves all predictors of a model; the tokenizer is thread-safe.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
abstract class BertTextTranslator<I, O> implements Translator<I, O> {

    static final String BATCH = "spikelm.batch";

    private final Map<String, ?> arguments;
    private volatile HuggingFaceTokenizer tokenizer;
    private int maxLength;
    private boolean truncation;

    BertTextTranslator(Map<String, ?> arguments) {
        this.arguments = arguments;
    }

    /** Checks that the model's block is what this translator reads. */
    abstract void checkModel(SpikeBertPreTrainedModel model);

    /** Tokenises the inputs (special tokens added, not padded). */
    abstract Encoding[] encode(HuggingFaceTokenizer tokenizer, List<I> inputs);

    HuggingFaceTokenizer tokenizer() {
        return tokenizer;
    }

    /** {@inheritDoc} */
    @Override
    public void prepare(TranslatorContext ctx) throws IOException {
        if (tokenizer != null) {
            return;
        }
        synchronized (this) {
            if (tokenizer != null) {
                return;
            }
            Block block = ctx.getModel().getBlock();
            if (!(block instanceof SpikeBertPreTrainedModel)) {
                throw new IllegalArgumentException(
                        "The model's block is not a SpikeLM model; load it with SpikeLmBlockFactory");
            }
            SpikeBertPreTrainedModel model = (SpikeBertPreTrainedModel) block;
            checkModel(model);
            int positions = model.getConfig().maxPositionEmbeddings();
            maxLength = Math.min(SpikeLmArguments.integer(arguments, SpikeLmArguments.MAX_LENGTH, 512), positions);
            if (maxLength < 2) {
                throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
            }
            truncation = SpikeLmArguments.bool(arguments, SpikeLmArguments.TRUNCATION, true);
            Path file = ctx.getModel().getModelPath().resolve("tokenizer.json");
            if (!Files.isRegularFile(file)) {
                throw new IOException("The model directory has no tokenizer.json: " + ctx.getModel().getModelPath());
            }
            tokenizer = TokenizerFiles.load(file, b -> b
                            .optMaxLength(truncation ? maxLength : Integer.MAX_VALUE / 2)
                            .optTruncation(truncation)
                            .optPadding(false));
        }
    }

    /** {@inheritDoc} */
    @Override
    public Batchifier getBatchifier() {
        // Not used to stack: batchProcessInput pads the batch itself. Non-null selects that path.
        return Batchifier.STACK;
    }

    /** {@inheritDoc} */
    @Override
    public NDList processInput(TranslatorContext ctx, I input) {
        return batchProcessInput(ctx, List.of(input));
    }

    /** {@inheritDoc} */
    @Override
    public O processOutput(TranslatorContext ctx, NDList list) throws Exception {
        return batchProcessOutput(ctx, list).get(0);
    }

    /** {@inheritDoc} */
    @Override
    public NDList batchProcessInput(TranslatorContext ctx, List<I> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("No input to predict");
        }
        Encoding[] encodings = encode(tokenizer, inputs);
        for (int i = 0; i < encodings.length; i++) {
            int length = encodings[i].getIds().length;
            if (length > maxLength) {
                throw new IllegalArgumentException(
                        "Input " + i + " has " + length + " tokens, more than maxLength " + maxLength
                                + " (truncation is off)");
            }
        }
        EncodedBatch batch = EncodedBatch.of(encodings);
        ctx.setAttachment(BATCH, batch);
        return batch.toNDList(ctx.getNDManager());
    }

    static void requireText(String text, int index) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Input " + index + " is empty");
        }
    }
}
