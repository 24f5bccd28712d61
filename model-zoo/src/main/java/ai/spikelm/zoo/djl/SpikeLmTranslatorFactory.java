package ai.spikelm.zoo.djl;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.modality.nlp.translator.TextEmbeddingServingTranslator;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import ai.djl.util.StringPair;
import ai.spikelm.zoo.family.EncoderModel;
import ai.spikelm.zoo.family.MaskedLmModel;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * The translators of SpikeLM models, chosen by input and output type (and, for {@code String →
 * Classifications}, by the model: fill-mask for a masked LM, classification otherwise); {@code
 * String → String} is text generation with a causal language model or an encoder-decoder.
 *
 * <p>{@code Input → Output} is DJL's serving contract, which a model folder's {@code
 * serving.properties} alone selects ({@code Criteria<Input, Output>} with {@code optModelPath(dir)},
 * or DJL Serving): for a text-embedding model ({@code BertModel}) it is DJL's own {@link
 * TextEmbeddingServingTranslator} around the {@code String → float[]} translator, JSON in and out
 * as for DJL's Hugging Face models: a text, or {@code {"inputs": "text"}} or {@code {"inputs":
 * ["a", "b"]}} with {@code Content-Type: application/json}, gives a vector or a list of vectors.
 */
public class SpikeLmTranslatorFactory implements TranslatorFactory {

    private static final Set<Pair<Type, Type>> SUPPORTED =
            Set.of(
                    new Pair<>(String.class, float[].class),
                    new Pair<>(String.class, Classifications.class),
                    new Pair<>(StringPair.class, float[].class),
                    new Pair<>(String.class, String.class),
                    new Pair<>(Input.class, Output.class));

    /** {@inheritDoc} */
    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return SUPPORTED;
    }

    /** {@inheritDoc} */
    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(
            Class<I> input, Class<O> output, Model model, Map<String, ?> arguments) {
        if (input == String.class && output == float[].class) {
            return (Translator<I, O>) new TextEmbeddingTranslator(arguments);
        }
        if (input == String.class && output == Classifications.class) {
            boolean maskedLm = model.getBlock() instanceof MaskedLmModel;
            return (Translator<I, O>)
                    (maskedLm ? new FillMaskTranslator(arguments) : new TextClassificationTranslator(arguments));
        }
        if (input == StringPair.class && output == float[].class) {
            return (Translator<I, O>) new CrossEncoderTranslator(arguments);
        }
        if (input == String.class && output == String.class) {
            return (Translator<I, O>) new TextGenerationTranslator(arguments);
        }
        if (input == Input.class && output == Output.class) {
            return (Translator<I, O>) serving(model, arguments);
        }
        throw new IllegalArgumentException(
                "SpikeLM has no translator from " + input.getSimpleName() + " to " + output.getSimpleName()
                        + "; supported: String→float[], String→Classifications, StringPair→float[], String→String,"
                        + " Input→Output");
    }

    /** The serving translator: text embedding, the one task DJL's serving path has a JSON contract for here. */
    private static Translator<Input, Output> serving(Model model, Map<String, ?> arguments) {
        if (model.getBlock() instanceof EncoderModel) {
            return new TextEmbeddingServingTranslator(new TextEmbeddingTranslator(arguments));
        }
        String what = model.getBlock() == null ? "no block" : model.getBlock().getClass().getSimpleName();
        throw new IllegalArgumentException(
                "SpikeLM serves Input → Output (JSON) for text embedding, a BertModel (architecture=BertModel loads"
                        + " the encoder of any BERT folder), but this model is " + what + "; use a typed Criteria:"
                        + " String → Classifications, StringPair → float[] or String → String");
    }
}
