package ai.spikelm.zoo.djl;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.Tokenizers;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelKind;
import ai.spikelm.zoo.generate.GenerationResult;
import ai.spikelm.zoo.generate.Generator;
import ai.spikelm.zoo.generate.PromptPolicy;
import ai.spikelm.zoo.generate.TextGenerationModel;
import ai.spikelm.zoo.generate.TokenCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Prompt → generated text, for any text generator of the family registry: a causal language model
 * (SpikeLM-GPT-2) continues the prompt, an encoder-decoder (SpikeLM-BART) reads it as its source
 * and replies. The {@link Generator} runs with the settings of the Criteria arguments ({@code maxNewTokens},
 * {@code temperature}, {@code topK}, {@code topP}, {@code repetitionPenalty}, {@code seed}, {@code
 * stop}, {@code leftTruncate}; see {@link SpikeLmArguments}).
 *
 * <p>Decoding is a loop of forward passes with a key/value cache, which a single DJL forward pass
 * cannot express; so the whole generation runs here, in {@link #processInput}, on the predictor's
 * manager (freed after each prediction), and the predictor's own forward pass only sees the last
 * generated token (the model's own {@link TrainableModel#inputs} of that one token). The returned
 * text is the generated text without the prompt. A Predictor is not thread-safe; use one per thread.
 */
public class TextGenerationTranslator implements NoBatchifyTranslator<String, String> {

    private static final String RESULT = "generation";

    private final Map<String, ?> arguments;
    private volatile Generator generator;
    private TrainableModel model;

    /**
     * Creates the translator.
     *
     * @param arguments the criteria arguments ({@link SpikeLmArguments})
     */
    public TextGenerationTranslator(Map<String, ?> arguments) {
        this.arguments = arguments;
    }

    /** {@inheritDoc} */
    @Override
    public void prepare(TranslatorContext ctx) throws IOException {
        if (generator != null) {
            return;
        }
        synchronized (this) {
            if (generator != null) {
                return;
            }
            Block block = ctx.getModel().getBlock();
            if (!(block instanceof TextGenerationModel) || !(block instanceof TrainableModel)) {
                throw new IllegalArgumentException(
                        "Text generation needs a causal language model or an encoder-decoder (families: "
                                + ModelFamilies.knownFor(ModelKind.CAUSAL_LM) + "; " + ModelFamilies.knownFor(ModelKind.SEQ2SEQ)
                                + "), but the block is " + block.getClass().getSimpleName()
                                + "; a checkpoint saved as a bare model loads as one with optArgument(\"modelKind\", \"causal_lm\") or \"seq2seq\"");
            }
            Path file = ctx.getModel().getModelPath().resolve("tokenizer.json");
            if (!Files.isRegularFile(file)) {
                throw new IOException("The model directory has no tokenizer.json: " + ctx.getModel().getModelPath());
            }
            // The codec keeps the tokenizer for the life of the translator, as the BERT translators do.
            HuggingFaceTokenizer tokenizer = Tokenizers.untruncated(file);
            model = (TrainableModel) block;
            generator = generator((TextGenerationModel) block, TokenCodec.of(tokenizer));
        }
    }

    private Generator generator(TextGenerationModel model, TokenCodec codec) {
        Generator.Builder b = Generator.builder(model)
                .optCodec(codec)
                .optMaxNewTokens(SpikeLmArguments.integer(arguments, SpikeLmArguments.MAX_NEW_TOKENS, 50));
        Float temperature = SpikeLmArguments.decimal(arguments, SpikeLmArguments.TEMPERATURE);
        if (temperature != null) {
            b.optSampling(temperature);
        }
        if (arguments.get(SpikeLmArguments.TOP_K) != null) {
            b.optTopK(SpikeLmArguments.integer(arguments, SpikeLmArguments.TOP_K, 0));
        }
        Float topP = SpikeLmArguments.decimal(arguments, SpikeLmArguments.TOP_P);
        if (topP != null) {
            b.optTopP(topP);
        }
        Float penalty = SpikeLmArguments.decimal(arguments, SpikeLmArguments.REPETITION_PENALTY);
        if (penalty != null) {
            b.optRepetitionPenalty(penalty);
        }
        if (arguments.get(SpikeLmArguments.SEED) != null) {
            b.optSeed(Long.parseLong(SpikeLmArguments.string(arguments, SpikeLmArguments.SEED, "0").trim()));
        }
        String stop = SpikeLmArguments.string(arguments, SpikeLmArguments.STOP, null);
        if (stop != null) {
            b.optStopSequences(Arrays.asList(stop.split("\\|")));
        }
        if (SpikeLmArguments.bool(arguments, SpikeLmArguments.LEFT_TRUNCATE, false)) {
            b.optPromptPolicy(PromptPolicy.LEFT_TRUNCATE);
        }
        return b.build();
    }

    /** {@inheritDoc} */
    @Override
    public NDList processInput(TranslatorContext ctx, String prompt) {
        GenerationResult result = generator.generate(ctx.getNDManager(), prompt);
        ctx.setAttachment(RESULT, result);
        long[] tokens = result.tokens().length > 0 ? result.tokens() : result.promptTokens();
        long last = tokens[tokens.length - 1];
        return model.inputs(new EncodedBatch(new long[][] {{last}}, new long[][] {{1}}, new long[][] {{0}}), ctx.getNDManager());
    }

    /** {@inheritDoc} */
    @Override
    public String processOutput(TranslatorContext ctx, NDList list) {
        return ((GenerationResult) ctx.getAttachment(RESULT)).text();
    }
}
