package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import ai.spikelm.ops.stats.MonitoredBlock;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.family.Seq2SeqModel;
import ai.spikelm.zoo.generate.TokenCodec;

/**
 * SpikeLM-BART with its language-model head (Hugging Face {@code BartForConditionalGeneration}):
 * the encoder-decoder {@code model}, then logits = h · sharedᵀ + final_logits_bias, a real-valued
 * head tied to the shared embeddings (it has no weight of its own). {@code final_logits_bias}
 * {@code [1, vocab]} is a buffer in Hugging Face: loaded and saved, never trained.
 *
 * <p>Outputs of the DJL forward pass: logits {@code [B, L, vocab]} and the encoder's last hidden
 * state {@code [B, S, D]}. Incremental decoding: {@link #encode} a source, then {@link #decode} with
 * a {@link BartCache} from {@link #newCache}; or {@link #conditionedOn} a source, a {@link
 * ai.spikelm.zoo.generate.CausalLanguageModel} for {@link ai.spikelm.zoo.generate.Generator}. When
 * monitored, the head records its real-valued MACs (B·L·D·V, once per pass: it runs after the mean
 * over T).
 *
 * <p>As a {@link Seq2SeqModel}, a text prompt is the source (tokenised with the special tokens its
 * tokenizer adds, such as {@code <s> … </s>}) and the reply is decoded from {@code
 * decoder_start_token_id}; generation settings of {@code config.json} such as {@code
 * forced_bos_token_id} are not applied.
 */
public class SpikeBartForConditionalGeneration extends SpikeBartPreTrainedModel implements Seq2SeqModel, MonitoredBlock {

    private final SpikeBartModel model;
    private final Parameter finalLogitsBias;
    private volatile SpikeMonitor.Site monitor;

    /**
     * Creates the model.
     *
     * @param config the config
     */
    @SuppressWarnings("this-escape")
    public SpikeBartForConditionalGeneration(SpikeBartConfig config) {
        super(config);
        model = addChildBlock("model", new SpikeBartModel(config));
        finalLogitsBias =
                addParameter(
                        Parameter.builder()
                                .setName(FINAL_LOGITS_BIAS)
                                .setType(Parameter.Type.BIAS)
                                .optShape(new Shape(1, config.vocabSize()))
                                .optInitializer(new ConstantInitializer(0f))
                                .optRequiresGrad(false)
                                .build());
    }

    /** {@inheritDoc} */
    @Override
    public SpikeBartModel getModel() {
        return model;
    }

    /** {@inheritDoc} */
    @Override
    public String architecture() {
        return "BartForConditionalGeneration";
    }

    /** {@inheritDoc} */
    @Override
    public void attachMonitor(SpikeMonitor.Site site) {
        this.monitor = site;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = model.forward(ps, inputs, training);
        return new NDList(logits(ps, out.get(0), training), out.get(1));
    }

    /**
     * Encodes a source for incremental decoding ({@link SpikeBartModel#encode}).
     *
     * @param ps the parameter store
     * @param inputs {@code input_ids [B, S]} and optionally {@code attention_mask [B, S]}
     * @return the encoded source; close it when done
     * @throws IllegalArgumentException if the source is empty, too long or malformed
     */
    public BartEncoderOutput encode(ParameterStore ps, NDList inputs) {
        return model.encode(ps, inputs);
    }

    /**
     * Creates an empty cache for decoding against an encoded source.
     *
     * @param manager the manager under which the cache keeps its arrays (a sub-manager is made)
     * @param source a source encoded by this model
     * @return the cache; close it to free its arrays
     */
    public BartCache newCache(NDManager manager, BartEncoderOutput source) {
        return model.newCache(manager, source);
    }

    /**
     * Decodes new positions with a cache (inference); the cache is extended by them. Logits equal
     * those of a full forward pass over the whole decoder input.
     *
     * @param ps the parameter store
     * @param inputs {@code decoder_input_ids [B, L]} and optionally {@code decoder_attention_mask [B,
     *     P + L]}
     * @param cache a cache of this model
     * @return logits {@code [B, L, vocab]} of the new positions
     * @throws IllegalArgumentException if the inputs are malformed, the batch differs from the
     *     source's or the decoder positions would overflow
     */
    public NDList decode(ParameterStore ps, NDList inputs, BartCache cache) {
        NDArray hidden = model.decode(ps, inputs, cache).singletonOrThrow();
        return new NDList(logits(ps, hidden, false));
    }

    /**
     * Applies the tied LM head: h · sharedᵀ + final_logits_bias.
     *
     * @param ps the parameter store
     * @param hidden {@code [..., D]}
     * @param training whether training
     * @return logits {@code [..., vocab]}
     */
    public NDArray logits(ParameterStore ps, NDArray hidden, boolean training) {
        NDArray embeddings = ps.getValue(model.getShared().getWeight(), hidden.getDevice(), training);
        NDArray bias = ps.getValue(finalLogitsBias, hidden.getDevice(), training);
        SpikeMonitor.Site site = monitor;
        if (site != null) {
            long macs = hidden.size() * getConfig().vocabSize();
            site.recordRealValuedMacs(macs, macs);
        }
        // [1, vocab] broadcasts over [..., vocab]; no reshape, which would make an array on the parameter's manager
        return Linear.linear(hidden, embeddings).singletonOrThrow().add(bias);
    }

    /**
     * Conditions generation on a source: encodes it once and returns a language model whose sessions
     * decode against it (for {@link ai.spikelm.zoo.generate.Generator}). The prompt of a session is
     * the decoder's prefix, which starts with {@code decoder_start_token_id} ({@link
     * BartConditionedModel#startPrompt()}).
     *
     * @param manager the manager under which the encoded source lives (a sub-manager is made)
     * @param sourceIds the source's token ids, not empty, at most {@code max_position_embeddings}
     * @return the conditioned model; close it to free the encoded source
     * @throws IllegalArgumentException if the source is empty, too long or has an id outside the
     *     vocabulary
     */
    public BartConditionedModel conditionedOn(NDManager manager, long[] sourceIds) {
        return new BartConditionedModel(this, manager, sourceIds);
    }

    /** {@inheritDoc} The decoder's positions, {@code max_position_embeddings}. */
    @Override
    public int contextLength() {
        return getConfig().maxPositionEmbeddings();
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

    /**
     * {@inheritDoc} Encodes the prompt, with its tokenizer's special tokens, as the source ({@link
     * #conditionedOn}); decoding starts from {@code decoder_start_token_id}.
     *
     * @throws IllegalArgumentException if the source has more tokens than {@code
     *     max_position_embeddings}
     */
    @Override
    public Decoding startDecoding(NDManager manager, String prompt, TokenCodec codec) {
        long[] source = codec.encodeInput(prompt);
        BartConditionedModel conditioned = conditionedOn(manager, source);
        try {
            return new Decoding(conditioned, conditioned.startPrompt(), source, conditioned);
        } catch (RuntimeException e) {
            conditioned.close();
            throw e;
        }
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        model.initialize(manager, dataType, inputShapes);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] base = model.getOutputShapes(inputShapes);
        Shape hidden = base[0];
        return new Shape[] {hidden.slice(0, hidden.dimension() - 1).add(getConfig().vocabSize()), base[1]};
    }
}
