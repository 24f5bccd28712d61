package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.generate.CausalLanguageModel;
import java.util.Objects;

/**
 * A SpikeLM-BART generation model conditioned on one source: the source is encoded once (with the
 * cross-attention keys and values of every decoder layer), and each {@link Session} decodes a target
 * against it with its own self-attention cache. This is how {@link
 * ai.spikelm.zoo.generate.Generator} drives an encoder-decoder:
 *
 * <pre>{@code
 * try (BartConditionedModel conditioned = model.conditionedOn(manager, sourceIds)) {
 *     GenerationResult r = Generator.builder(conditioned).optMaxNewTokens(60).build()
 *             .generate(manager, conditioned.startPrompt(), null);
 * }
 * }</pre>
 *
 * <p>The prompt is the decoder's prefix: {@link #startPrompt()} ({@code decoder_start_token_id}),
 * followed by any forced tokens (for example {@code forced_bos_token_id}, which some BART
 * checkpoints expect right after the start token). The context length is {@code
 * max_position_embeddings} decoder positions. Close the conditioned model (after its sessions) to free
 * the encoded source.
 */
public final class BartConditionedModel implements CausalLanguageModel, AutoCloseable {

    private final SpikeBartForConditionalGeneration model;
    private final NDManager manager;
    private final BartEncoderOutput source;

    BartConditionedModel(SpikeBartForConditionalGeneration model, NDManager parent, long[] sourceIds) {
        this.model = model;
        Objects.requireNonNull(sourceIds, "sourceIds");
        if (sourceIds.length == 0) {
            throw new IllegalArgumentException("The source is empty: it needs at least one token");
        }
        int vocab = model.getConfig().vocabSize();
        for (long id : sourceIds) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("Source token id " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        BartInputs.requireFits(sourceIds.length, model.getConfig().maxPositionEmbeddings(), "Source");
        this.manager = Objects.requireNonNull(parent, "manager").newSubManager();
        try (NDManager scope = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray ids = scope.create(sourceIds).reshape(1, sourceIds.length);
            source = model.getModel().encode(manager, ps, new NDList(ids));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Returns the decoder prompt generation starts from: {@code {decoder_start_token_id}}.
     *
     * @return a one-token prompt
     * @throws IllegalStateException if the config has no {@code decoder_start_token_id}
     */
    public long[] startPrompt() {
        Integer start = model.getConfig().decoderStartTokenId();
        if (start == null) {
            throw new IllegalStateException("The config has no decoder_start_token_id: pass the decoder prompt yourself");
        }
        return new long[] {start};
    }

    /**
     * Returns the encoded source.
     *
     * @return the source; it belongs to this model, do not close it
     */
    public BartEncoderOutput source() {
        return source;
    }

    /** {@inheritDoc} */
    @Override
    public int contextLength() {
        return model.getConfig().maxPositionEmbeddings();
    }

    /** {@inheritDoc} */
    @Override
    public int vocabSize() {
        return model.getConfig().vocabSize();
    }

    /** {@inheritDoc} */
    @Override
    public Integer eosTokenId() {
        return model.getConfig().eosTokenId();
    }

    /** {@inheritDoc} */
    @Override
    public CausalLanguageModel.Session newSession(NDManager parent) {
        return new Session(parent);
    }

    /** Frees the encoded source. */
    @Override
    public void close() {
        source.close();
        manager.close();
    }

    /** A target decoded against the source; every call's temporaries live in a scope closed before it returns. */
    private final class Session implements CausalLanguageModel.Session {
        private final NDManager sessionManager;
        private final BartCache cache;
        private final ParameterStore ps;

        Session(NDManager parent) {
            sessionManager = Objects.requireNonNull(parent, "manager").newSubManager();
            cache = model.newCache(sessionManager, source);
            ps = new ParameterStore(sessionManager, false);
        }

        @Override
        public float[] append(long[] tokens) {
            if (tokens.length == 0) {
                throw new IllegalArgumentException("append needs at least one token");
            }
            try (NDManager scope = sessionManager.newSubManager()) {
                NDArray ids = scope.create(tokens).reshape(1, tokens.length);
                NDArray hidden = model.getModel().decode(ps, new NDList(ids), cache).singletonOrThrow();
                NDArray last = hidden.get(":, -1, :"); // only the next token's logits are needed
                return model.logits(ps, last, false).toFloatArray();
            }
        }

        @Override
        public int length() {
            return cache.length();
        }

        @Override
        public void close() {
            cache.close();
            sessionManager.close();
        }
    }
}
