package ai.spikelm.zoo.family;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TrainableModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * One model family: how a Hugging Face directory whose {@code config.json} has this family's {@code
 * model_type} becomes a SpikeLM model. This is the one place a family plugs in: register it with
 * {@link ModelFamilies#register} or list it in {@code
 * META-INF/services/ai.spikelm.zoo.family.ModelFamily}, and DJL {@code Criteria}, the LangChain4j
 * models and the command line load it through {@link ModelFamilies}.
 *
 * <p>A family's models implement the interface of each kind it declares ({@link EncoderModel},
 * {@link CausalLmModel}, {@link Seq2SeqModel}); that is what family-agnostic code reads. Calibration
 * on load is not the family's job: {@link ModelFamilies} does it for every family, through {@link
 * TrainableModel#inputs}.
 */
public interface ModelFamily {

    /**
     * Returns the {@code model_type} of the {@code config.json} files this family reads.
     *
     * @return for example {@code bert}
     */
    String modelType();

    /**
     * Returns the family's name for messages.
     *
     * @return for example {@code SpikeLM-BERT}
     */
    String displayName();

    /**
     * Returns the kinds this family's models can be loaded as.
     *
     * @return the kinds, not empty
     */
    Set<ModelKind> kinds();

    /**
     * Reads the SpikeLM settings a directory's {@code config.json} was saved with.
     *
     * @param configJson the file
     * @return the settings ({@link SpikingConfig#ANN} for a plain Hugging Face model)
     * @throws IOException if the file cannot be read
     */
    SpikingConfig savedSpiking(Path configJson) throws IOException;

    /**
     * Builds the model a request asks for ({@link LoadRequest#architecture()}, else the family's
     * model of {@link LoadRequest#kind()}, else the saved architecture) with the request's SpikeLM
     * settings, initialises it on {@code manager} and loads the directory's weights. Calibration is
     * left to the caller.
     *
     * @param request what to load; its kind, if any, is one of {@link #kinds()}
     * @param manager the manager that will own the parameters
     * @return the initialised model
     * @throws IOException if a file cannot be read or is malformed
     */
    TrainableModel load(LoadRequest request, NDManager manager) throws IOException;

    /**
     * Creates a new model of a kind with random weights, for training from scratch.
     *
     * @param kind one of {@link #kinds()}
     * @param shape the sizes
     * @param spiking the SpikeLM settings
     * @param manager the manager that will own the parameters
     * @return the initialised model
     * @throws UnsupportedOperationException if the family cannot create models of that kind
     */
    default TrainableModel create(ModelKind kind, ModelShape shape, SpikingConfig spiking, NDManager manager) {
        throw new UnsupportedOperationException(
                displayName() + " cannot create a new " + kind.id() + " model from scratch; load a checkpoint instead");
    }

    /**
     * Returns the {@code tokenizer.json} text a model created from scratch uses when no tokenizer is
     * given.
     *
     * @return the tokenizer.json text, or empty when the family has none
     */
    default Optional<String> newTokenizerJson() {
        return Optional.empty();
    }
}
