package ai.spikelm.zoo.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.ops.nn.TimeAxis;
import ai.spikelm.zoo.core.AttentionMasks;
import ai.spikelm.zoo.core.EmbeddingTable;
import ai.spikelm.zoo.core.HfLayerNorm;
import ai.spikelm.zoo.core.OutputChecks;
import java.util.Objects;

/**
 * The SpikeLM-GPT-2 transformer (Hugging Face {@code GPT2Model}):
 *
 * <pre>
 * e = dropout(wte(input_ids) + wpe(positions))        [B, L, D], real
 * x = repeat(e, T)                                    [T, B, L, D]
 * x = h.0 … h.{n−1}(x, causal mask)                   every linear input spiked, K and V spiked
 * out = ln_f(mean over T of x)                        [B, L, D]
 * </pre>
 *
 * <p>With a {@link Gpt2Cache} the positions continue after the cached ones and the attention sees
 * the cached keys and values; the result equals a full recompute. With {@code spikelm.spiking =
 * false} (T = 1, identity neurons) this is exactly GPT-2.
 */
public class SpikeGpt2Model extends SpikeGpt2PreTrainedModel {

    private final int timeSteps;
    private final float embdPdrop;
    private final EmbeddingTable wte;
    private final EmbeddingTable wpe;
    private final Gpt2Block[] layers;
    private final HfLayerNorm lnF;

    /**
     * Creates the transformer.
     *
     * @param config the config
     */
    @SuppressWarnings("this-escape")
    public SpikeGpt2Model(SpikeGpt2Config config) {
        super(config);
        timeSteps = config.spiking().timeSteps();
        embdPdrop = config.embdPdrop();
        float range = config.initializerRange();
        wte = addChildBlock("wte", new EmbeddingTable("token id", config.vocabSize(), config.nEmbd(), range));
        wpe = addChildBlock("wpe", new EmbeddingTable("position", config.nPositions(), config.nEmbd(), range));
        layers = new Gpt2Block[config.nLayer()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = addChildBlock("h." + i, new Gpt2Block(config));
        }
        lnF = addChildBlock("ln_f", new HfLayerNorm(config.nEmbd(), config.layerNormEpsilon()));
    }

    /** {@inheritDoc} */
    @Override
    public SpikeGpt2Model getTransformer() {
        return this;
    }

    /** {@inheritDoc} */
    @Override
    public String architecture() {
        return "GPT2Model";
    }

    /** {@inheritDoc} */
    @Override
    protected String basePrefix() {
        return "";
    }

    /**
     * Returns the word embeddings (tied to the LM head).
     *
     * @return {@code wte}
     */
    public EmbeddingTable getWte() {
        return wte;
    }

    /**
     * Returns the number of time steps T the layers run (1 for the ANN).
     *
     * @return T
     */
    public int getTimeSteps() {
        return timeSteps;
    }

    /**
     * Creates an empty key/value cache for incremental decoding with this model.
     *
     * @param manager the manager under which the cache keeps its arrays (a sub-manager is made)
     * @return the cache; close it to free its arrays
     */
    public Gpt2Cache newCache(NDManager manager) {
        return new Gpt2Cache(this, manager);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(hidden(ps, Gpt2Inputs.of(inputs, 0), null, training));
    }

    /**
     * Runs new positions through the model with a key/value cache (inference): the positions
     * continue after the cached ones, and the cache is extended by them when the pass completes.
     *
     * @param ps the parameter store
     * @param inputs {@code input_ids [B, L]} and optionally {@code attention_mask [B, P + L]}
     *     covering the P cached and the L new positions
     * @param cache the cache of this model, possibly empty
     * @return {@code last_hidden_state [B, L, D]} of the new positions
     * @throws IllegalArgumentException if the inputs are malformed, the batch differs from the
     *     cached one or P + L exceeds {@code n_positions}
     */
    public NDList forward(ParameterStore ps, NDList inputs, Gpt2Cache cache) {
        Objects.requireNonNull(cache, "cache");
        return new NDList(hidden(ps, Gpt2Inputs.of(inputs, cache.length()), cache, false));
    }

    NDArray hidden(ParameterStore ps, Gpt2Inputs in, Gpt2Cache cache, boolean training) {
        int past = cache == null ? 0 : cache.length();
        int length = in.length();
        int context = getConfig().nPositions();
        if (cache != null) {
            cache.check(this, in.batch(), length);
        } else if (length > context) {
            throw new IllegalArgumentException(
                    "Sequence of " + length + " tokens exceeds the context window n_positions = " + context);
        }
        NDManager m = in.ids().getManager();
        NDArray positions = m.arange(past, past + length, 1, DataType.INT64).expandDims(0);
        NDArray embedded =
                wte.forward(ps, new NDList(in.ids()), training).singletonOrThrow()
                        .add(wpe.forward(ps, new NDList(positions), training).singletonOrThrow());
        embedded = Dropout.dropout(embedded, embdPdrop, training).singletonOrThrow();
        NDArray x = TimeAxis.repeat(embedded, timeSteps);
        NDArray mask = AttentionMasks.causal(m, past, length, in.mask());

        NDArray[] keys = new NDArray[layers.length];
        NDArray[] values = new NDArray[layers.length];
        for (int i = 0; i < layers.length; i++) {
            NDList layerInputs = new NDList(x, mask);
            if (cache != null) {
                layerInputs.addAll(cache.past(i));
            }
            NDList out = layers[i].forward(ps, layerInputs, training);
            x = out.get(0);
            keys[i] = out.get(1);
            values[i] = out.get(2);
        }
        NDArray hidden = lnF.forward(ps, new NDList(TimeAxis.mean(x)), training).singletonOrThrow();
        OutputChecks.requireFinite(hidden, "SpikeLM-GPT-2");
        if (cache != null) {
            cache.update(keys, values, in.batch(), length);
        }
        return hidden;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        int d = getConfig().nEmbd();
        Shape tokens = new Shape(1, 1);
        wte.initialize(manager, dataType, tokens);
        wpe.initialize(manager, dataType, tokens);
        Shape x = new Shape(timeSteps, 1, 1, d);
        for (Gpt2Block layer : layers) {
            layer.initialize(manager, dataType, x, new Shape(1, 1, 1, 1));
        }
        lnF.initialize(manager, dataType, new Shape(1, 1, d));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(getConfig().nEmbd())};
    }
}
