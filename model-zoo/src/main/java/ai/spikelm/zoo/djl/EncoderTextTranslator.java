package ai.spikelm.zoo.djl;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.text.EncoderTokenizer;
import ai.spikelm.zoo.text.LongInputPolicy;
import ai.spikelm.zoo.text.TokenizedTexts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Common ground of the encoder translators, over the tokenising stage of the encoder pipeline
 * ({@link EncoderTokenizer}): the model's {@code tokenizer.json}, the window ({@code maxLength},
 * capped at the model's positions), the long-input policy, and the padded batch made by the model's
 * own {@link TrainableModel#inputs}.
 *
 * <p>{@code Predictor.batchPredict} tokenises a whole batch at once and pads it to its longest row;
 * a single {@code predict} is a batch of one. Blank texts are refused; texts longer than {@code
 * maxLength} tokens are truncated (default), refused ({@code truncation=false} or {@code
 * longInputPolicy=reject}) or, for text embedding, embedded window by window ({@code
 * longInputPolicy=average_windows}). One translator serves all predictors of a model; the tokenizer
 * is thread-safe.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
abstract class EncoderTextTranslator<I, O> implements Translator<I, O> {

    static final String TEXTS = "spikelm.texts";
    static final String BATCH = "spikelm.batch";

    private final Map<String, ?> arguments;
    private volatile EncoderTokenizer tokenizer;
    private TrainableModel model;

    EncoderTextTranslator(Map<String, ?> arguments) {
        this.arguments = arguments;
    }

    /** Checks that the model's block is what this translator reads. */
    abstract void checkModel(TrainableModel model);

    /** Whether this translator can combine the windows of a long text (embedding only). */
    boolean acceptsWindows() {
        return false;
    }

    /** Tokenises the inputs. */
    abstract TokenizedTexts encode(EncoderTokenizer tokenizer, List<I> inputs);

    EncoderTokenizer tokenizer() {
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
            if (!(block instanceof TrainableModel)) {
                throw new IllegalArgumentException(
                        "The model's block is not a SpikeLM model; load it with SpikeLmBlockFactory");
            }
            TrainableModel m = (TrainableModel) block;
            checkModel(m);
            int positions = m.shape().maxPositions();
            int maxLength = Math.min(SpikeLmArguments.integer(arguments, SpikeLmArguments.MAX_LENGTH, 512), positions);
            LongInputPolicy policy = policy();
            if (policy == LongInputPolicy.AVERAGE_WINDOWS && !acceptsWindows()) {
                throw new IllegalArgumentException(
                        "longInputPolicy average_windows is for text embedding only; use truncate or reject");
            }
            Path file = ctx.getModel().getModelPath().resolve("tokenizer.json");
            model = m;
            tokenizer = EncoderTokenizer.builder().setTokenizer(file).optMaxLength(maxLength).optLongInputPolicy(policy).build();
        }
    }

    /** {@code longInputPolicy}, else {@code truncation} (true: truncate, false: reject). */
    private LongInputPolicy policy() {
        String named = SpikeLmArguments.string(arguments, SpikeLmArguments.LONG_INPUT_POLICY, null);
        if (named != null) {
            return LongInputPolicy.of(named);
        }
        return SpikeLmArguments.bool(arguments, SpikeLmArguments.TRUNCATION, true)
                ? LongInputPolicy.TRUNCATE
                : LongInputPolicy.REJECT;
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
        TokenizedTexts texts = encode(tokenizer, inputs);
        EncodedBatch batch = texts.batch();
        ctx.setAttachment(TEXTS, texts);
        ctx.setAttachment(BATCH, batch);
        return model.inputs(batch, ctx.getNDManager());
    }
}
