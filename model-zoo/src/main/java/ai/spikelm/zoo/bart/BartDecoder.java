package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.ops.nn.TimeAxis;
import ai.spikelm.zoo.core.AttentionMasks;
import ai.spikelm.zoo.core.EmbeddingTable;
import ai.spikelm.zoo.core.HfLayerNorm;

/**
 * The SpikeLM-BART decoder ({@code model.decoder}; its token embeddings are the model's {@code
 * shared} table):
 *
 * <pre>
 * e = dropout(layernorm_embedding(tokens + embed_positions(P+2 … P+L+1)))   [B, L, D], real
 * x = layers.0 … layers.{n−1}(repeat(e, T), causal mask, source K/V)         [T, B, L, D], spiking
 * out = mean over T of x                                                     [B, L, D]
 * </pre>
 *
 * <p>Cross-attention reads the encoder's output, averaged over T ({@link BartEncoder}), repeated
 * over T again and spiked by each layer's own {@code encoder_attn.k_proj}/{@code v_proj} neurons:
 * every linear input is still spiked by a neuron that integrates over the T steps of one position,
 * the encoder output stays the real {@code [B, S, D]} tensor Hugging Face's {@code
 * encoder_outputs} is, and the source keys and values depend on the source alone, so they are
 * computed once per source ({@link #crossKeyValues}).
 *
 * <p>Inputs of a DJL forward pass: the (scaled) token embeddings {@code [B, L, D]}, the additive
 * source mask {@code [B or 1, 1, 1, S]}, the encoder output {@code [B, S, D]} and optionally {@code
 * decoder_attention_mask [B, L]}. Output: {@code [B, L, D]}.
 */
public class BartDecoder extends AbstractBlock {

    private final SpikeBartConfig config;
    private final int timeSteps;
    private final EmbeddingTable embedPositions;
    private final HfLayerNorm layernormEmbedding;
    private final BartDecoderLayer[] layers;

    /**
     * Creates the decoder.
     *
     * @param config the model config
     */
    @SuppressWarnings("this-escape")
    public BartDecoder(SpikeBartConfig config) {
        this.config = config;
        this.timeSteps = config.spiking().timeSteps();
        embedPositions = addChildBlock("embed_positions", positionTable(config));
        layernormEmbedding =
                addChildBlock("layernorm_embedding", new HfLayerNorm(config.dModel(), SpikeBartConfig.LAYER_NORM_EPS));
        layers = new BartDecoderLayer[config.decoderLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = addChildBlock("layers." + i, new BartDecoderLayer(config));
        }
    }

    /** BART's learned positions: {@code max_position_embeddings + 2} rows, position p at row p + 2. */
    static EmbeddingTable positionTable(SpikeBartConfig config) {
        return new EmbeddingTable(
                "position",
                config.maxPositionEmbeddings() + (long) SpikeBartConfig.POSITION_OFFSET,
                config.dModel(),
                config.initStd());
    }

    /** dropout(layernorm_embedding(tokens + positions past … past+length−1)), real. */
    static NDArray embed(
            ParameterStore ps,
            EmbeddingTable positions,
            HfLayerNorm norm,
            SpikeBartConfig config,
            NDArray tokens,
            int past,
            int length,
            boolean training) {
        int offset = SpikeBartConfig.POSITION_OFFSET;
        NDArray ids = tokens.getManager().arange(past + offset, past + offset + length, 1, DataType.INT64).expandDims(0);
        NDArray e = tokens.add(positions.forward(ps, new NDList(ids), training).singletonOrThrow());
        e = norm.forward(ps, new NDList(e), training).singletonOrThrow();
        return Dropout.dropout(e, config.dropout(), training).singletonOrThrow();
    }

    /**
     * Returns the number of layers.
     *
     * @return decoder_layers
     */
    public int layerCount() {
        return layers.length;
    }

    /**
     * Projects and spikes every layer's cross-attention keys and values from the encoder output.
     *
     * @param ps the parameter store
     * @param encoderHidden the encoder output {@code [B, S, D]}
     * @param training whether training
     * @return per layer the keys and values {@code [T, B, H, S, d]}: {@code [0][layer]} keys,
     *     {@code [1][layer]} values
     */
    public NDArray[][] crossKeyValues(ParameterStore ps, NDArray encoderHidden, boolean training) {
        NDArray source = TimeAxis.repeat(encoderHidden, timeSteps);
        NDArray[][] kv = new NDArray[2][layers.length];
        for (int i = 0; i < layers.length; i++) {
            NDList pair = layers[i].crossKeyValues(ps, source, training);
            kv[0][i] = pair.get(0);
            kv[1][i] = pair.get(1);
        }
        return kv;
    }

    /** The decoder output and the self-attention keys and values of every layer. */
    record Output(NDArray hidden, NDArray[] keys, NDArray[] values) {}

    /**
     * Runs L new positions after P cached ones.
     *
     * @param tokens the scaled token embeddings {@code [B, L, D]}
     * @param past P
     * @param decoderMask {@code [B, P + L]} or null
     * @param sourceMask the additive source mask
     * @param cross {@link #crossKeyValues}
     * @param pastKeys per layer the cached keys, or null without a cache
     * @param pastValues per layer the cached values, or null
     */
    Output run(
            ParameterStore ps,
            NDArray tokens,
            int past,
            NDArray decoderMask,
            NDArray sourceMask,
            NDArray[][] cross,
            NDArray[] pastKeys,
            NDArray[] pastValues,
            boolean training) {
        int length = Math.toIntExact(tokens.getShape().get(1));
        NDArray embedded = embed(ps, embedPositions, layernormEmbedding, config, tokens, past, length, training);
        NDArray x = TimeAxis.repeat(embedded, timeSteps);
        NDArray causal = AttentionMasks.causal(tokens.getManager(), past, length, decoderMask);
        NDArray[] keys = new NDArray[layers.length];
        NDArray[] values = new NDArray[layers.length];
        for (int i = 0; i < layers.length; i++) {
            NDList in = new NDList(x, causal, sourceMask, cross[0][i], cross[1][i]);
            if (pastKeys != null && pastKeys[i] != null) {
                in.add(pastKeys[i]);
                in.add(pastValues[i]);
            }
            NDList out = layers[i].forward(ps, in, training);
            x = out.get(0);
            keys[i] = out.get(1);
            values[i] = out.get(2);
        }
        return new Output(TimeAxis.mean(x), keys, values);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray[][] cross = crossKeyValues(ps, inputs.get(2), training);
        NDArray decoderMask = inputs.size() > 3 ? inputs.get(3) : null;
        Output out = run(ps, inputs.get(0), 0, decoderMask, inputs.get(1), cross, null, null, training);
        return new NDList(out.hidden());
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        int d = config.dModel();
        embedPositions.initialize(manager, dataType, new Shape(1, 1));
        layernormEmbedding.initialize(manager, dataType, new Shape(1, 1, d));
        Shape x = new Shape(timeSteps, 1, 1, d);
        for (BartDecoderLayer layer : layers) {
            layer.initialize(manager, dataType, x);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
