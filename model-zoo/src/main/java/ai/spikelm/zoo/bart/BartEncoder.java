package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.ops.nn.TimeAxis;
import ai.spikelm.zoo.core.EmbeddingTable;
import ai.spikelm.zoo.core.HfLayerNorm;

/**
 * The SpikeLM-BART encoder ({@code model.encoder}; its token embeddings are the model's {@code
 * shared} table):
 *
 * <pre>
 * e = dropout(layernorm_embedding(tokens + embed_positions(2 … S+1)))   [B, S, D], real
 * x = layers.0 … layers.{n−1}(repeat(e, T), padding mask)              [T, B, S, D], spiking
 * out = mean over T of x                                                [B, S, D]
 * </pre>
 *
 * <p>Inputs: the (scaled) token embeddings {@code [B, S, D]} and the additive padding mask {@code
 * [B or 1, 1, 1, S]}. Output: the last hidden state {@code [B, S, D]}, averaged over T as
 * SpikeLM-BERT's encoder output is (SPIKELM.md §2).
 */
public class BartEncoder extends AbstractBlock {

    private final SpikeBartConfig config;
    private final int timeSteps;
    private final EmbeddingTable embedPositions;
    private final HfLayerNorm layernormEmbedding;
    private final BartEncoderLayer[] layers;

    /**
     * Creates the encoder.
     *
     * @param config the model config
     */
    @SuppressWarnings("this-escape")
    public BartEncoder(SpikeBartConfig config) {
        this.config = config;
        this.timeSteps = config.spiking().timeSteps();
        embedPositions = addChildBlock("embed_positions", BartDecoder.positionTable(config));
        layernormEmbedding =
                addChildBlock("layernorm_embedding", new HfLayerNorm(config.dModel(), SpikeBartConfig.LAYER_NORM_EPS));
        layers = new BartEncoderLayer[config.encoderLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = addChildBlock("layers." + i, new BartEncoderLayer(config));
        }
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.get(0);
        NDArray mask = inputs.get(1);
        int length = Math.toIntExact(tokens.getShape().get(1));
        NDArray embedded = BartDecoder.embed(ps, embedPositions, layernormEmbedding, config, tokens, 0, length, training);
        NDArray x = TimeAxis.repeat(embedded, timeSteps);
        for (BartEncoderLayer layer : layers) {
            x = layer.forward(ps, new NDList(x, mask), training).singletonOrThrow();
        }
        return new NDList(TimeAxis.mean(x));
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        int d = config.dModel();
        embedPositions.initialize(manager, dataType, new Shape(1, 1));
        layernormEmbedding.initialize(manager, dataType, new Shape(1, 1, d));
        Shape x = new Shape(timeSteps, 1, 1, d);
        for (BartEncoderLayer layer : layers) {
            layer.initialize(manager, dataType, x, new Shape(1, 1, 1, 1));
        }
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
