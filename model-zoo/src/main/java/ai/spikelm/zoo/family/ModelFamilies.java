package ai.spikelm.zoo.family;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.ConfigFields;
import ai.spikelm.zoo.core.Gradients;
import ai.spikelm.zoo.core.TrainableModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The registry of model families, and the family-agnostic loaders (as Hugging Face's {@code Auto}
 * classes): {@code config.json}'s {@code model_type} picks the {@link ModelFamily}, which builds the
 * model; the loaders then calibrate uncalibrated spike sites on the request's calibration set, over
 * real tokens only, before returning it, so that no result depends on which request comes first.
 *
 * <pre>{@code
 * LoadRequest request = LoadRequest.builder().setModelDir(dir).build();
 * EncoderModel encoder = ModelFamilies.loadEncoder(request, manager);        // bert
 * CausalLmModel lm = ModelFamilies.loadCausalLm(request, manager);           // gpt2
 * GenerativeModel any = ModelFamilies.loadGenerator(request, manager);       // gpt2 or bart
 * }</pre>
 *
 * <p>Families are found with {@link ServiceLoader} ({@code
 * META-INF/services/ai.spikelm.zoo.family.ModelFamily}: {@code bert}, {@code gpt2} and {@code bart}
 * ship with this module) and may be added at run time with {@link #register}. A {@code model_type}
 * no family reads, or a model of the wrong kind, is an {@link UnsupportedModelException} that lists
 * what is known. Thread-safe.
 */
public final class ModelFamilies {

    private static final Map<String, ModelFamily> FAMILIES = discover();

    private ModelFamilies() {}

    private static Map<String, ModelFamily> discover() {
        Map<String, ModelFamily> found = new TreeMap<>();
        for (ModelFamily family : ServiceLoader.load(ModelFamily.class, ModelFamilies.class.getClassLoader())) {
            found.putIfAbsent(family.modelType(), family);
        }
        return found;
    }

    /**
     * Adds a family, so that directories of its {@code model_type} load everywhere models load.
     * Registering the same family class again does nothing.
     *
     * @param family the family
     * @throws IllegalArgumentException if another family already reads its {@code model_type}
     */
    public static void register(ModelFamily family) {
        Objects.requireNonNull(family, "family");
        String type = Objects.requireNonNull(family.modelType(), "modelType");
        synchronized (FAMILIES) {
            ModelFamily existing = FAMILIES.get(type);
            if (existing != null && existing.getClass() != family.getClass()) {
                throw new IllegalArgumentException(
                        "model_type '" + type + "' is already read by " + existing.displayName() + " ("
                                + existing.getClass().getName() + ")");
            }
            FAMILIES.put(type, family);
        }
    }

    /**
     * Returns the registered families.
     *
     * @return the families, by {@code model_type}
     */
    public static List<ModelFamily> families() {
        synchronized (FAMILIES) {
            return List.copyOf(FAMILIES.values());
        }
    }

    /**
     * Returns the family that reads a {@code model_type}.
     *
     * @param modelType the model type
     * @return the family
     * @throws UnsupportedModelException if no family reads it, listing the known ones
     */
    public static ModelFamily forModelType(String modelType) {
        ModelFamily family;
        synchronized (FAMILIES) {
            family = modelType == null ? null : FAMILIES.get(modelType);
        }
        if (family == null) {
            throw new UnsupportedModelException(
                    (modelType == null ? "No model_type" : "Unknown model_type '" + modelType + "'")
                            + "; known model types: " + known()
                            + " (add a family with ModelFamilies.register or META-INF/services/"
                            + ModelFamily.class.getName() + ")");
        }
        return family;
    }

    /**
     * Returns the family of a Hugging Face directory, from its {@code config.json}'s {@code
     * model_type}.
     *
     * @param modelDir the directory
     * @return the family
     * @throws IOException if there is no readable {@code config.json}
     * @throws UnsupportedModelException if no family reads its {@code model_type}, naming the file
     *     and listing the known types
     */
    public static ModelFamily forModel(Path modelDir) throws IOException {
        Path config = modelDir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new NoSuchFileException(config.toString(), null, "a model directory needs a config.json");
        }
        String modelType = ConfigFields.read(config).modelType();
        try {
            return forModelType(modelType);
        } catch (UnsupportedModelException e) {
            throw new UnsupportedModelException(config + ": " + e.getMessage());
        }
    }

    /**
     * Returns the registered families that can be loaded as a kind.
     *
     * @param kind the kind
     * @return their model types, for example {@code "bert (SpikeLM-BERT)"}
     */
    public static String knownFor(ModelKind kind) {
        return families().stream()
                .filter(f -> f.kinds().contains(kind))
                .map(ModelFamilies::describe)
                .collect(Collectors.joining(", "));
    }

    private static String known() {
        return families().stream().map(ModelFamilies::describe).collect(Collectors.joining(", "));
    }

    private static String describe(ModelFamily f) {
        return f.modelType() + " (" + f.displayName() + ")";
    }

    /**
     * Checks that a directory's family can be loaded as a kind, before anything is read.
     *
     * @param modelDir the directory
     * @param kind the kind the caller needs
     * @param purpose what the caller does with it, for the message (for example "sentence embeddings")
     * @return the family
     * @throws IOException if there is no readable {@code config.json}
     * @throws UnsupportedModelException if the family has no model of that kind
     */
    public static ModelFamily require(Path modelDir, ModelKind kind, String purpose) throws IOException {
        ModelFamily family = forModel(modelDir);
        if (!family.kinds().contains(kind)) {
            throw new UnsupportedModelException(
                    modelDir + " is " + describe(family) + ", which has no " + kind.id() + " model: " + purpose
                            + " needs " + kind.description() + "; families that have one: " + knownFor(kind));
        }
        return family;
    }

    /**
     * Loads a model as its request asks (kind, architecture or the saved one) and calibrates its
     * uncalibrated spike sites on the request's calibration set. Its weights come out of autograd
     * ({@link Gradients#detach}), so inference records no graph on any thread; {@link
     * ai.spikelm.zoo.training.SpikeLmTrainer} puts back the ones it trains.
     *
     * @param request what to load
     * @param manager the manager that will own the parameters
     * @return the model, ready to serve
     * @throws IOException if a file cannot be read or is malformed
     * @throws UnsupportedModelException if no family reads the directory, or it has no model of the
     *     requested kind
     */
    public static TrainableModel load(LoadRequest request, NDManager manager) throws IOException {
        ModelFamily family =
                request.kind() == null
                        ? forModel(request.modelDir())
                        : require(request.modelDir(), request.kind(), "loading as " + request.kind().id());
        TrainableModel model = family.load(request, manager);
        calibrate(model, request);
        // Out of autograd for inference on any thread; a trainer attaches what it trains.
        Gradients.detach(model);
        return model;
    }

    /**
     * Loads a directory's encoder ({@link ModelKind#ENCODER}), calibrated.
     *
     * @param request what to load (its kind is set to encoder)
     * @param manager the manager that will own the parameters
     * @return the encoder
     * @throws IOException if a file cannot be read or is malformed
     * @throws UnsupportedModelException if the family has no encoder
     */
    public static EncoderModel loadEncoder(LoadRequest request, NDManager manager) throws IOException {
        return as(EncoderModel.class, ModelKind.ENCODER, request, manager);
    }

    /**
     * Loads a directory's causal language model ({@link ModelKind#CAUSAL_LM}), calibrated.
     *
     * @param request what to load (its kind is set to causal_lm)
     * @param manager the manager that will own the parameters
     * @return the language model
     * @throws IOException if a file cannot be read or is malformed
     * @throws UnsupportedModelException if the family has no causal language model
     */
    public static CausalLmModel loadCausalLm(LoadRequest request, NDManager manager) throws IOException {
        return as(CausalLmModel.class, ModelKind.CAUSAL_LM, request, manager);
    }

    /**
     * Loads a directory's encoder-decoder ({@link ModelKind#SEQ2SEQ}), calibrated.
     *
     * @param request what to load (its kind is set to seq2seq)
     * @param manager the manager that will own the parameters
     * @return the encoder-decoder
     * @throws IOException if a file cannot be read or is malformed
     * @throws UnsupportedModelException if the family has no encoder-decoder
     */
    public static Seq2SeqModel loadSeq2Seq(LoadRequest request, NDManager manager) throws IOException {
        return as(Seq2SeqModel.class, ModelKind.SEQ2SEQ, request, manager);
    }

    /**
     * Loads a directory's text generator: its causal language model, or else its encoder-decoder,
     * calibrated.
     *
     * @param request what to load (its kind is set accordingly)
     * @param manager the manager that will own the parameters
     * @return a {@link CausalLmModel} or a {@link Seq2SeqModel}
     * @throws IOException if a file cannot be read or is malformed
     * @throws UnsupportedModelException if the family generates no text, listing those that do
     */
    public static GenerativeModel loadGenerator(LoadRequest request, NDManager manager) throws IOException {
        ModelFamily family = forModel(request.modelDir());
        if (family.kinds().contains(ModelKind.CAUSAL_LM)) {
            return loadCausalLm(request, manager);
        }
        if (family.kinds().contains(ModelKind.SEQ2SEQ)) {
            return loadSeq2Seq(request, manager);
        }
        throw new UnsupportedModelException(
                request.modelDir() + " is " + describe(family) + ", which generates no text; families that do: "
                        + knownFor(ModelKind.CAUSAL_LM) + " (causal LM), " + knownFor(ModelKind.SEQ2SEQ) + " (seq2seq)");
    }

    private static <M extends TrainableModel> M as(Class<M> type, ModelKind kind, LoadRequest request, NDManager manager)
            throws IOException {
        TrainableModel model = load(request.toBuilder().optArchitecture(null).optKind(kind).build(), manager);
        if (!type.isInstance(model)) {
            throw new IllegalStateException(
                    forModel(request.modelDir()).displayName() + " loaded " + model.getClass().getName()
                            + " as " + kind.id() + ", which is not a " + type.getSimpleName());
        }
        return type.cast(model);
    }

    /** Calibrates uncalibrated spike sites on the request's set, tokenised by its tokenizer. */
    private static void calibrate(TrainableModel model, LoadRequest request) throws IOException {
        if (request.calibration() != null && Calibration.needed(model)) {
            Calibration.calibrate(model, request.tokenizer(), model.shape().maxPositions(), request.calibration());
        }
    }

    /**
     * Returns the model types of the registered families, for messages.
     *
     * @return for example {@code [bart, bert, gpt2]}
     */
    public static List<String> modelTypes() {
        List<String> types = new ArrayList<>();
        families().forEach(f -> types.add(f.modelType()));
        return types;
    }
}
