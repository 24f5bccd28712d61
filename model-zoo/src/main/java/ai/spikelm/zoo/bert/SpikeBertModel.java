package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.ops.nn.TimeAxis;
import ai.spikelm.zoo.core.OutputChecks;
import ai.spikelm.zoo.family.EncoderModel;

/**
 * The SpikeLM-BERT encoder (Hugging Face {@code BertModel}):
 *
 * <pre>
 * e = embeddings(input_ids, token_type_ids)           [B, L, D], real
 * x = repeat(e, T)                                    [T, B, L, D]
 * x = encoder(x, mask)                                every linear input spiked
 * h = mean over T of x                                [B, L, D]
 * pooled = tanh(dense(h[:, 0]))                       [B, D], if the model has a pooler
 *                                                     (h's masked mean with classifier_pooling = mean)
 * </pre>
 *
 * <p>Outputs: {@code last_hidden_state [B, L, D]} and, with a pooler, {@code pooler_output [B,
 * D]}.
 *
 * <p>Hidden states for distillation: when the forward parameters hold {@link
 * #OUTPUT_HIDDEN_STATES} = {@code true}, the outputs are followed by Hugging Face's {@code
 * hidden_states}: the embedding output and then each layer's output averaged over T, {@code
 * num_hidden_layers + 1} arrays of {@code [B, L, D]}. Models with a head append the same arrays
 * after their own outputs; {@link #forwardWithHiddenStates} splits them off. {@link
 * #OUTPUT_ATTENTION_LOG_PROBS} appends every layer's attention log-probabilities after those.
 */
public class SpikeBertModel extends SpikeBertPreTrainedModel implements EncoderModel {

    /**
     * The forward-parameter key that asks for all hidden states (value {@link Boolean#TRUE}), as
     * Hugging Face's {@code output_hidden_states}.
     */
    public static final String OUTPUT_HIDDEN_STATES = "output_hidden_states";

    /**
     * The forward-parameter key that asks for every layer's attention log-probabilities (value
     * {@link Boolean#TRUE}), in the manner of Hugging Face's {@code output_attentions} but as {@code
     * log softmax} per time step, {@code [T, B, H, L, L]}: what an attention-distillation loss needs.
     */
    public static final String OUTPUT_ATTENTION_LOG_PROBS = "output_attention_log_probs";

    private final int timeSteps;
    private final BertEmbeddings embeddings;
    private final BertEncoder encoder;
    private final BertPooler pooler;

    /**
     * Creates the encoder with a pooler.
     *
     * @param config the config
     */
    public SpikeBertModel(SpikeBertConfig config) {
        this(config, true);
    }

    /**
     * Creates the encoder.
     *
     * @param config the config
     * @param addPoolingLayer whether to add the pooler
     */
    @SuppressWarnings("this-escape")
    public SpikeBertModel(SpikeBertConfig config, boolean addPoolingLayer) {
        super(config);
        timeSteps = config.spiking().timeSteps();
        embeddings = addChildBlock("embeddings", new BertEmbeddings(config));
        encoder = addChildBlock("encoder", new BertEncoder(config));
        pooler = addPoolingLayer ? addChildBlock("pooler", new BertPooler(config)) : null;
    }

    /** {@inheritDoc} */
    @Override
    public SpikeBertModel getBert() {
        return this;
    }

    /** {@inheritDoc} */
    @Override
    public String architecture() {
        return "BertModel";
    }

    /** {@inheritDoc} */
    @Override
    protected String basePrefix() {
        return "";
    }

    /**
     * Returns the embeddings block.
     *
     * @return the embeddings
     */
    public BertEmbeddings getEmbeddings() {
        return embeddings;
    }

    /**
     * Returns whether this encoder has a pooler.
     *
     * @return true with a pooler
     */
    public boolean hasPooler() {
        return pooler != null;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList in = encoderInputs(inputs);
        NDArray embedded = embeddings.forward(ps, new NDList(in.get(0), in.get(2)), training).singletonOrThrow();
        NDArray spikes = TimeAxis.repeat(embedded, timeSteps);
        NDList encoded = encoder.forward(ps, new NDList(spikes, in.get(1)), training, params);
        NDArray hidden = TimeAxis.mean(encoded.get(0));
        OutputChecks.requireFinite(hidden, "SpikeLM-BERT");
        NDList out = new NDList(hidden);
        if (pooler != null) {
            // The raw 0/1 mask (in.get(1) is the additive attention mask); only mean pooling reads it.
            NDArray mask = inputs.size() > 1 ? inputs.get(1) : in.get(0).onesLike();
            out.add(pooler.forward(ps, new NDList(hidden, mask), training).singletonOrThrow());
        }
        int layers = getConfig().numHiddenLayers();
        if (wantsHiddenStates(params)) {
            out.add(embedded);
            for (int i = 1; i < layers; i++) {
                out.add(TimeAxis.mean(encoded.get(i)));
            }
            out.add(hidden); // the last layer's mean is already computed
        }
        if (wants(params, OUTPUT_ATTENTION_LOG_PROBS)) {
            out.addAll(encoded.subNDList(encoded.size() - layers));
        }
        return out;
    }

    /**
     * Returns what {@link #OUTPUT_HIDDEN_STATES} and {@link #OUTPUT_ATTENTION_LOG_PROBS} appended to
     * this encoder's outputs, for a model with a head to append after its own.
     *
     * @param outputs the outputs of a forward pass of this encoder
     * @return the hidden states and attention log-probabilities asked for (possibly none)
     */
    NDList extraOutputsOf(NDList outputs) {
        return outputs.subNDList(pooler == null ? 1 : 2);
    }

    /**
     * Returns whether forward parameters ask for all hidden states.
     *
     * @param params the forward parameters, possibly {@code null}
     * @return true if {@link #OUTPUT_HIDDEN_STATES} is {@code true}
     */
    static boolean wantsHiddenStates(PairList<String, Object> params) {
        return wants(params, OUTPUT_HIDDEN_STATES);
    }

    /**
     * Returns whether forward parameters set a flag.
     *
     * @param params the forward parameters, possibly {@code null}
     * @param key for example {@link #OUTPUT_ATTENTION_LOG_PROBS}
     * @return true if the key maps to {@code true}
     */
    static boolean wants(PairList<String, Object> params, String key) {
        return params != null && Boolean.TRUE.equals(params.get(key));
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        int d = getConfig().hiddenSize();
        Shape tokens = new Shape(1, 1);
        embeddings.initialize(manager, dataType, tokens, tokens);
        encoder.initialize(manager, dataType, new Shape(timeSteps, 1, 1, d), new Shape(1, 1, 1, 1));
        if (pooler != null) {
            pooler.initialize(manager, dataType, new Shape(1, 1, d));
        }
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        Shape hidden = ids.add(getConfig().hiddenSize());
        return pooler == null
                ? new Shape[] {hidden}
                : new Shape[] {hidden, new Shape(ids.get(0), getConfig().hiddenSize())};
    }
}
