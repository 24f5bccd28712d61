package ai.spikelm.zoo.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.ops.stats.MonitoredBlock;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.family.CausalLmModel;
import ai.spikelm.zoo.generate.CausalLanguageModel;
import java.util.Objects;

/**
 * SpikeLM-GPT-2 with its language-model head (Hugging Face {@code GPT2LMHeadModel}): the {@code
 * transformer}, then logits = h · wteᵀ, a real-valued head tied to the word embeddings (it has no
 * tensor of its own). Output: logits {@code [B, L, vocab]}.
 *
 * <p>Incremental decoding: {@link #forward(ParameterStore, NDList, Gpt2Cache)} with a cache from
 * {@link #newCache(NDManager)}, or a {@link CausalLanguageModel.Session} for {@link
 * ai.spikelm.zoo.generate.Generator}. When monitored, the head records its real-valued MACs (B·L·D·V,
 * once per pass: it runs after the mean over T).
 */
public class SpikeGpt2LMHeadModel extends SpikeGpt2PreTrainedModel
        implements CausalLmModel, MonitoredBlock {

    private final SpikeGpt2Model transformer;
    private volatile SpikeMonitor.Site monitor;

    /**
     * Creates the model.
     *
     * @param config the config
     */
    @SuppressWarnings("this-escape")
    public SpikeGpt2LMHeadModel(SpikeGpt2Config config) {
        super(config);
        transformer = addChildBlock("transformer", new SpikeGpt2Model(config));
    }

    /** {@inheritDoc} */
    @Override
    public SpikeGpt2Model getTransformer() {
        return transformer;
    }

    /** {@inheritDoc} */
    @Override
    public String architecture() {
        return "GPT2LMHeadModel";
    }

    /** {@inheritDoc} */
    @Override
    public void attachMonitor(SpikeMonitor.Site site) {
        this.monitor = site;
    }

    /**
     * Creates an empty key/value cache for incremental decoding with this model.
     *
     * @param manager the manager under which the cache keeps its arrays (a sub-manager is made)
     * @return the cache; close it to free its arrays
     */
    public Gpt2Cache newCache(NDManager manager) {
        return transformer.newCache(manager);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = transformer.forward(ps, inputs, training).singletonOrThrow();
        return new NDList(logits(ps, hidden, training));
    }

    /**
     * Runs new positions through the model with a key/value cache (inference); the cache is
     * extended by them. Logits equal those of a full forward pass over the whole sequence.
     *
     * @param ps the parameter store
     * @param inputs {@code input_ids [B, L]} and optionally {@code attention_mask [B, P + L]}
     * @param cache the cache of this model, possibly empty
     * @return logits {@code [B, L, vocab]} of the new positions
     * @throws IllegalArgumentException if the inputs are malformed, the batch differs from the
     *     cached one or the context window would overflow
     */
    public NDList forward(ParameterStore ps, NDList inputs, Gpt2Cache cache) {
        NDArray hidden = transformer.forward(ps, inputs, cache).singletonOrThrow();
        return new NDList(logits(ps, hidden, false));
    }

    /**
     * Applies the tied LM head.
     *
     * @param ps the parameter store
     * @param hidden {@code [..., D]}
     * @param training whether training
     * @return logits {@code [..., vocab]}
     */
    public NDArray logits(ParameterStore ps, NDArray hidden, boolean training) {
        NDArray embeddings = ps.getValue(transformer.getWte().getWeight(), hidden.getDevice(), training);
        SpikeMonitor.Site site = monitor;
        if (site != null) {
            long macs = hidden.size() * getConfig().vocabSize();
            site.recordRealValuedMacs(macs, macs);
        }
        return Linear.linear(hidden, embeddings).singletonOrThrow();
    }

    /** {@inheritDoc} */
    @Override
    public int contextLength() {
        return getConfig().nPositions();
    }

    /** {@inheritDoc} */
    @Override
    public int vocabSize() {
        return getConfig().vocabSize();
    }

    /** {@inheritDoc} */
    @Override
    public Integer eosTokenId() {
        return getConfig().eosTokenId();
    }

    /** {@inheritDoc} */
    @Override
    public CausalLanguageModel.Session newSession(NDManager manager) {
        return new Session(manager);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        transformer.initialize(manager, dataType, inputShapes);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(getConfig().vocabSize())};
    }

    /**
     * A sequence decoded with a cache; every call's temporaries live in a scope closed before it
     * returns, so only the cache stays.
     */
    private final class Session implements CausalLanguageModel.Session {
        private final NDManager manager;
        private final Gpt2Cache cache;
        private final ParameterStore ps;

        Session(NDManager parent) {
            manager = Objects.requireNonNull(parent, "manager").newSubManager();
            cache = newCache(manager);
            ps = new ParameterStore(manager, false);
        }

        @Override
        public float[] append(long[] tokens) {
            if (tokens.length == 0) {
                throw new IllegalArgumentException("append needs at least one token");
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray ids = scope.create(tokens).reshape(1, tokens.length);
                NDArray hidden = transformer.forward(ps, new NDList(ids), cache).singletonOrThrow();
                NDArray last = hidden.get(":, -1, :"); // only the next token's logits are needed
                return logits(ps, last, false).toFloatArray();
            }
        }

        @Override
        public int length() {
            return cache.length();
        }

        @Override
        public void close() {
            cache.close();
            manager.close();
        }
    }
}
