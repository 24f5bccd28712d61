package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.ops.ScalarOps;
import ai.spikelm.zoo.core.AttentionMasks;
import ai.spikelm.zoo.core.EmbeddingTable;
import ai.spikelm.zoo.core.OutputChecks;
import java.util.Objects;

/**
 * The SpikeLM-BART encoder-decoder (Hugging Face {@code BartModel}):
 *
 * <pre>
 * tokens = shared(ids) · embed_scale                                (√d_model with scale_embedding, else 1)
 * h_enc = encoder(tokens(input_ids), padding mask)                  [B, S, D], mean over T
 * h_dec = decoder(tokens(decoder_input_ids), causal mask, h_enc)    [B, L, D], mean over T
 * </pre>
 *
 * <p>Outputs of the DJL forward pass: the decoder's last hidden state {@code [B, L, D]} and the
 * encoder's {@code [B, S, D]}. For generation, {@link #encode} a source once and {@link #decode}
 * new positions with a {@link BartCache}; the result equals a full recompute. With {@code
 * spikelm.spiking = false} (T = 1, identity neurons) this is exactly BART.
 */
public class SpikeBartModel extends SpikeBartPreTrainedModel {

    private static final String FAMILY = "SpikeLM-BART";

    private final EmbeddingTable shared;
    private final BartEncoder encoder;
    private final BartDecoder decoder;

    /**
     * Creates the encoder-decoder.
     *
     * @param config the config
     */
    @SuppressWarnings("this-escape")
    public SpikeBartModel(SpikeBartConfig config) {
        super(config);
        shared = addChildBlock("shared", new EmbeddingTable("token id", config.vocabSize(), config.dModel(), config.initStd()));
        encoder = addChildBlock("encoder", new BartEncoder(config));
        decoder = addChildBlock("decoder", new BartDecoder(config));
    }

    /** {@inheritDoc} */
    @Override
    public SpikeBartModel getModel() {
        return this;
    }

    /** {@inheritDoc} */
    @Override
    public String architecture() {
        return "BartModel";
    }

    /** {@inheritDoc} */
    @Override
    protected String basePrefix() {
        return "";
    }

    /**
     * Returns the token embeddings shared by encoder, decoder and LM head.
     *
     * @return {@code shared}
     */
    public EmbeddingTable getShared() {
        return shared;
    }

    /**
     * Returns the number of time steps T the layers run (1 for the ANN).
     *
     * @return T
     */
    public int getTimeSteps() {
        return getConfig().spiking().timeSteps();
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        BartInputs.Full in = BartInputs.Full.of(inputs, getConfig().maxPositionEmbeddings());
        NDArray sourceMask = sourceMask(in.ids(), in.mask());
        NDArray encoded = encoder.forward(ps, new NDList(tokens(ps, in.ids(), training), sourceMask), training)
                .singletonOrThrow();
        NDList decoderInputs = new NDList(tokens(ps, in.decoderIds(), training), sourceMask, encoded);
        if (in.decoderMask() != null) {
            decoderInputs.add(in.decoderMask());
        }
        NDArray hidden = decoder.forward(ps, decoderInputs, training).singletonOrThrow();
        OutputChecks.requireFinite(hidden, FAMILY);
        return new NDList(hidden, encoded);
    }

    /**
     * Encodes a source for incremental decoding (inference): runs the encoder and projects every
     * decoder layer's cross-attention keys and values once.
     *
     * @param ps the parameter store
     * @param inputs {@code input_ids [B, S]} and optionally {@code attention_mask [B, S]}
     * @return the encoded source, on a sub-manager of {@code input_ids}' manager; close it when done
     *     (the pass's temporaries stay on {@code input_ids}' manager, as in any forward pass)
     * @throws IllegalArgumentException if the source is empty, longer than {@code
     *     max_position_embeddings}, not integer, or the mask has another shape
     */
    public BartEncoderOutput encode(ParameterStore ps, NDList inputs) {
        requireInputs(inputs);
        return encode(inputs.get(0).getManager(), ps, inputs);
    }

    /**
     * Encodes a source for incremental decoding, keeping the result under a given manager: the
     * pass's temporaries stay on {@code input_ids}' manager (a scope the caller closes), the encoded
     * source on a sub-manager of {@code manager}.
     *
     * @param manager the manager under which the encoded source keeps its arrays
     * @param ps the parameter store
     * @param inputs {@code input_ids [B, S]} and optionally {@code attention_mask [B, S]}
     * @return the encoded source; close it when done
     * @throws IllegalArgumentException if the source is empty, longer than {@code
     *     max_position_embeddings}, not integer, or the mask has another shape
     */
    public BartEncoderOutput encode(NDManager manager, ParameterStore ps, NDList inputs) {
        requireInputs(inputs);
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        BartInputs.requireIds(ids, "input_ids");
        Shape s = ids.getShape();
        BartInputs.requireMask(mask, "attention_mask", s.get(0), s.get(1));
        BartInputs.requireFits(s.get(1), getConfig().maxPositionEmbeddings(), "Source");
        NDArray sourceMask = sourceMask(ids, mask);
        NDArray hidden = encoder.forward(ps, new NDList(tokens(ps, ids, false), sourceMask), false).singletonOrThrow();
        OutputChecks.requireFinite(hidden, FAMILY);
        NDArray[][] cross = decoder.crossKeyValues(ps, hidden, false);
        return new BartEncoderOutput(this, manager.newSubManager(), hidden, sourceMask, cross[0], cross[1]);
    }

    private static void requireInputs(NDList inputs) {
        if (inputs == null || inputs.isEmpty() || inputs.size() > 2) {
            throw new IllegalArgumentException(
                    "encode takes input_ids [, attention_mask], got " + (inputs == null ? 0 : inputs.size()) + " arrays");
        }
    }

    /**
     * Creates an empty cache for decoding against an encoded source.
     *
     * @param manager the manager under which the cache keeps its arrays (a sub-manager is made)
     * @param source a source encoded by this model
     * @return the cache; close it to free its arrays
     */
    public BartCache newCache(NDManager manager, BartEncoderOutput source) {
        return new BartCache(this, Objects.requireNonNull(source, "source"), manager);
    }

    /**
     * Decodes new positions with a cache (inference): the positions continue after the cached ones,
     * attend to the cached keys and values and to the cache's source, and extend the cache when the
     * pass completes.
     *
     * @param ps the parameter store
     * @param inputs {@code decoder_input_ids [B, L]} and optionally {@code decoder_attention_mask [B,
     *     P + L]} covering the P cached and the L new positions
     * @param cache a cache of this model
     * @return the decoder's last hidden state {@code [B, L, D]} of the new positions
     * @throws IllegalArgumentException if the inputs are malformed, the batch differs from the
     *     source's or P + L exceeds {@code max_position_embeddings}
     */
    public NDList decode(ParameterStore ps, NDList inputs, BartCache cache) {
        Objects.requireNonNull(cache, "cache");
        if (inputs == null || inputs.isEmpty() || inputs.size() > 2) {
            throw new IllegalArgumentException(
                    "decode takes decoder_input_ids [, decoder_attention_mask], got "
                            + (inputs == null ? 0 : inputs.size()) + " arrays");
        }
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        BartInputs.requireIds(ids, "decoder_input_ids");
        Shape s = ids.getShape();
        int past = cache.length();
        BartInputs.requireMask(mask, "decoder_attention_mask", s.get(0), past + s.get(1));
        cache.check(this, s.get(0), s.get(1));
        BartEncoderOutput source = cache.source();
        BartDecoder.Output out =
                decoder.run(
                        ps,
                        tokens(ps, ids, false),
                        past,
                        mask,
                        source.sourceMask(),
                        source.crossKeyValues(),
                        cache.pastKeys(),
                        cache.pastValues(),
                        false);
        OutputChecks.requireFinite(out.hidden(), FAMILY);
        cache.update(out.keys(), out.values(), Math.toIntExact(s.get(1)));
        return new NDList(out.hidden());
    }

    /** shared(ids) · embed_scale, real. */
    private NDArray tokens(ParameterStore ps, NDArray ids, boolean training) {
        NDArray e = shared.forward(ps, new NDList(ids), training).singletonOrThrow();
        float scale = getConfig().embedScale();
        return scale == 1f ? e : ScalarOps.mul(e, scale);
    }

    /** The additive padding mask [B, 1, 1, S], or a broadcast zero [1, 1, 1, 1] without a mask. */
    private static NDArray sourceMask(NDArray ids, NDArray mask) {
        return mask == null ? ids.getManager().zeros(new Shape(1, 1, 1, 1)) : AttentionMasks.padding(mask);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = new Shape(1, 1);
        shared.initialize(manager, dataType, tokens);
        encoder.initialize(manager, dataType, tokens);
        decoder.initialize(manager, dataType, tokens);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        int d = getConfig().dModel();
        Shape decoderIds = inputShapes[inputShapes.length == 2 ? 1 : 2];
        return new Shape[] {decoderIds.add(d), inputShapes[0].add(d)};
    }
}
