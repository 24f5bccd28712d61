package ai.spikelm.zoo.djl;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import ai.djl.util.StringPair;
import ai.spikelm.zoo.family.MaskedLmModel;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * The translators of SpikeLM models, chosen by input and output type (and, for {@code String →
 * Classifications}, by the model: fill-mask for a masked LM, classification otherwise); {@code
 * String → String} is text generation with a causal language model or an encoder-decoder.
 */
public class SpikeLmTranslatorFactory implements TranslatorFactory {

    private static final Set<Pair<Type, Type>> SUPPORTED =
            Set.of(
                    new Pair<>(String.class, float[].class),
                    new Pair<>(String.class, Classifications.class),
                    new Pair<>(StringPair.class, float[].class),
                    new Pair<>(String.class, String.class));

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
        throw new IllegalArgumentException(
                "SpikeLM has no translator from " + input.getSimpleName() + " to " + output.getSimpleName()
                        + "; supported: String→float[], String→Classifications, StringPair→float[], String→String");
    }
}
