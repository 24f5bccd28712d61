package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.weights.HostTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What every SpikeLM-BERT model shares (Hugging Face's {@code BertPreTrainedModel}): the config,
 * the input convention, initialisation and weights in Hugging Face names.
 *
 * <p>Inputs: {@code input_ids [B, L]} (integers), optionally {@code attention_mask [B, L]} (1 keep,
 * 0 padding; default all ones) and {@code token_type_ids [B, L]} (default zeros).
 */
public abstract class SpikeBertPreTrainedModel extends AbstractBlock implements TrainableModel {

    /** The Hugging Face prefix of the encoder inside a model with a head. */
    public static final String BERT_PREFIX = "bert.";

    private final SpikeBertConfig config;

    /**
     * Creates the model for a config; subclasses add their blocks, {@code initialize} their parameters.
     *
     * @param config the model sizes and SpikeLM settings
     */
    protected SpikeBertPreTrainedModel(SpikeBertConfig config) {
        this.config = config;
    }

    /**
     * Returns the config.
     *
     * @return the config
     */
    public SpikeBertConfig getConfig() {
        return config;
    }

    /**
     * Returns the encoder (this model itself for {@link SpikeBertModel}).
     *
     * @return the base model
     */
    public abstract SpikeBertModel getBert();

    /**
     * Returns the Hugging Face architecture name written to {@code config.json}.
     *
     * @return for example {@code BertForMaskedLM}
     */
    @Override
    public abstract String architecture();

    /** {@inheritDoc} */
    @Override
    public ModelShape shape() {
        return new ModelShape(
                config.vocabSize(),
                config.maxPositionEmbeddings(),
                config.hiddenSize(),
                config.numHiddenLayers(),
                config.numAttentionHeads());
    }

    /** {@inheritDoc} */
    @Override
    public SpikingConfig spiking() {
        return config.spiking();
    }

    /**
     * Returns the prefix of the encoder's parameter names: {@code "bert."} for a model with a head,
     * empty for the bare encoder.
     *
     * @return the prefix
     */
    protected String basePrefix() {
        return BERT_PREFIX;
    }

    /**
     * Initialises all parameters (shapes come from the config).
     *
     * @param manager the manager that will own the parameters
     */
    public void initialize(NDManager manager) {
        // Hugging Face initialises every weight matrix from N(0, initializer_range²).
        setInitializer(new NormalInitializer(config.initializerRange()), Parameter.Type.WEIGHT);
        Shape tokens = new Shape(1, 1);
        initialize(manager, DataType.FLOAT32, tokens, tokens, tokens);
    }

    /** {@inheritDoc} (input_ids, attention_mask, token_type_ids) */
    @Override
    public NDList inputs(EncodedBatch batch, NDManager manager) {
        return batch.toNDList(manager);
    }

    /** {@inheritDoc} The head must be in the checkpoint: {@code loadWeights(checkpoint, false)}. */
    @Override
    public void loadWeights(Map<String, HostTensor> checkpoint) {
        loadWeights(checkpoint, false);
    }

    /** {@inheritDoc} Same as {@link SpikeBertLoader#save}. */
    @Override
    public void save(Path dir) throws IOException {
        SpikeBertLoader.save(this, dir);
    }

    /**
     * Loads Hugging Face weights. Names may carry the {@code bert.} prefix or not, whatever this
     * model's layout; tied decoder copies, {@code position_ids} buffers, another task's head and a
     * pooler this model does not have are ignored.
     *
     * @param checkpoint name → tensor
     * @param allowNewHead whether this model's head (and pooler) may be missing, as when a task
     *     head is put on a pre-trained encoder; the missing parameters keep their random
     *     initialisation
     * @throws ai.spikelm.zoo.core.WeightsMismatchException listing everything that does not fit
     */
    public void loadWeights(Map<String, HostTensor> checkpoint, boolean allowNewHead) {
        boolean prefixed = checkpoint.keySet().stream().anyMatch(n -> n.startsWith(BERT_PREFIX));
        Map<String, HostTensor> named = checkpoint;
        if (prefixed && basePrefix().isEmpty()) {
            named = HfWeights.renamePrefix(checkpoint, BERT_PREFIX, "");
        } else if (!prefixed && !basePrefix().isEmpty()) {
            named = new java.util.LinkedHashMap<>();
            for (var e : checkpoint.entrySet()) {
                named.put(isEncoderName(e.getKey()) ? BERT_PREFIX + e.getKey() : e.getKey(), e.getValue());
            }
        }
        String base = basePrefix();
        boolean pooler = getBert().hasPooler();
        Predicate<String> unused =
                n -> n.endsWith("embeddings.position_ids")
                        || (!pooler && n.startsWith(base + "pooler."))
                        || n.startsWith("cls.")
                        || n.startsWith("classifier.")
                        || n.startsWith("qa_outputs.");
        Predicate<String> missing =
                n -> allowNewHead && (!n.startsWith(base) || n.startsWith(base + "pooler."));
        HfWeights.load(this, named, missing, unused);
    }

    /**
     * Replaces this model's encoder (embeddings, layers and their spike amplitudes) with another
     * model's, keeping this model's head and pooler: for example a distilled spiking encoder under
     * the head of a fine-tuned ANN. Spike sites of the head recalibrate on their next batch, since
     * the activations reaching them change.
     *
     * @param encoder a model with the same encoder shapes and time steps
     * @throws ai.spikelm.zoo.core.WeightsMismatchException listing what does not fit
     */
    public void loadEncoderFrom(SpikeBertPreTrainedModel encoder) {
        Map<String, HostTensor> weights = new java.util.LinkedHashMap<>();
        encoder.exportWeights().forEach((name, tensor) -> {
            if (encoder.isEncoderWeight(name)) {
                weights.put(name, tensor);
            }
        });
        loadWeights(weights, true);
    }

    /**
     * Returns whether a weight of this model (named as {@link #exportWeights} and {@link
     * HfWeights#parameters} name it) belongs to the encoder proper: the embeddings and the layers
     * with their spike amplitudes, not the pooler or a head. What {@link #loadEncoderFrom} copies,
     * and what a fine-tuning run may freeze or train slower than the head.
     *
     * @param name a Hugging Face weight name, for example {@code bert.encoder.layer.0.output.dense.weight}
     * @return true for an embedding or layer weight
     */
    public boolean isEncoderWeight(String name) {
        String prefix = basePrefix();
        if (!name.startsWith(prefix)) {
            return false;
        }
        String bare = name.substring(prefix.length());
        return bare.startsWith("embeddings.") || bare.startsWith("encoder.");
    }

    private static boolean isEncoderName(String name) {
        return name.startsWith("embeddings.") || name.startsWith("encoder.") || name.startsWith("pooler.");
    }

    /**
     * Returns all weights (and SpikeLM calibration state) in Hugging Face names.
     *
     * @return name → tensor
     */
    public Map<String, HostTensor> exportWeights() {
        return HfWeights.export(this);
    }

    /**
     * Runs the model and also returns every layer's hidden state, as Hugging Face does with {@code
     * output_hidden_states=True}. The ordinary outputs are unchanged.
     *
     * @param parameterStore the parameter store
     * @param inputs input_ids [, attention_mask [, token_type_ids]]
     * @param training true for a training pass (dropout on)
     * @return the model's outputs and its hidden states (no attention log-probabilities)
     */
    public OutputsWithHiddenStates forwardWithHiddenStates(
            ParameterStore parameterStore, NDList inputs, boolean training) {
        return forwardWithHiddenStates(parameterStore, inputs, training, false);
    }

    /**
     * Runs the model and also returns every layer's hidden state and, if asked, every layer's
     * attention log-probabilities: what layer-wise distillation compares.
     *
     * @param parameterStore the parameter store
     * @param inputs input_ids [, attention_mask [, token_type_ids]]
     * @param training true for a training pass (dropout on)
     * @param attentions whether to return the attention log-probabilities too
     * @return the model's outputs, hidden states and (possibly empty) attention log-probabilities
     */
    public OutputsWithHiddenStates forwardWithHiddenStates(
            ParameterStore parameterStore, NDList inputs, boolean training, boolean attentions) {
        PairList<String, Object> params = new PairList<>();
        params.add(SpikeBertModel.OUTPUT_HIDDEN_STATES, Boolean.TRUE);
        if (attentions) {
            params.add(SpikeBertModel.OUTPUT_ATTENTION_LOG_PROBS, Boolean.TRUE);
        }
        NDList all = forward(parameterStore, inputs, training, params);
        int layers = config.numHiddenLayers();
        int extra = layers + 1 + (attentions ? layers : 0);
        int outputs = all.size() - extra;
        return new OutputsWithHiddenStates(
                all.subNDList(0, outputs),
                all.subNDList(outputs, outputs + layers + 1),
                all.subNDList(outputs + layers + 1));
    }

    /**
     * A forward pass's outputs together with its hidden states.
     *
     * @param outputs the model's ordinary outputs (for example the logits)
     * @param hiddenStates the embedding output and each layer's output averaged over T, {@code
     *     num_hidden_layers + 1} arrays of {@code [B, L, D]}
     * @param attentionLogProbs each layer's attention log-probabilities {@code [T, B, H, L, L]} (log
     *     softmax of the masked scores, per time step), or an empty list when not asked for
     */
    public record OutputsWithHiddenStates(NDList outputs, NDList hiddenStates, NDList attentionLogProbs) {}

    /** Returns (input_ids, additive mask [B,1,1,L], token_type_ids) with defaults filled in. */
    static NDList encoderInputs(NDList inputs) {
        if (inputs.isEmpty() || inputs.size() > 3) {
            throw new IllegalArgumentException(
                    "SpikeLM-BERT takes input_ids [, attention_mask [, token_type_ids]], got "
                            + inputs.size()
                            + " arrays");
        }
        NDArray ids = inputs.get(0);
        Shape shape = ids.getShape();
        if (shape.dimension() != 2 || shape.get(1) == 0 || shape.get(0) == 0) {
            throw new IllegalArgumentException("input_ids must be [batch, length] with length >= 1, got " + shape);
        }
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : ids.onesLike();
        NDArray types = inputs.size() > 2 ? inputs.get(2) : ids.zerosLike();
        if (!mask.getShape().equals(shape) || !types.getShape().equals(shape)) {
            throw new IllegalArgumentException(
                    "attention_mask "
                            + mask.getShape()
                            + " and token_type_ids "
                            + types.getShape()
                            + " must have the shape of input_ids "
                            + shape);
        }
        // (1 − mask) · most-negative-float, as Hugging Face does: padded keys get zero weight.
        NDArray additive =
                mask.toType(DataType.FLOAT32, false).neg().add(1f).mul(-Float.MAX_VALUE)
                        .reshape(shape.get(0), 1, 1, shape.get(1));
        return new NDList(ids, additive, types);
    }
}
