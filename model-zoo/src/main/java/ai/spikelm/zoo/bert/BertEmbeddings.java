package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.zoo.core.EmbeddingTable;
import ai.spikelm.zoo.core.HfLayerNorm;

/**
 * Real-valued embeddings: LayerNorm(word + position + token type), then dropout.
 *
 * <p>Input: {@code input_ids [B, L]}, {@code token_type_ids [B, L]}. Output: {@code [B, L, D]}.
 */
public class BertEmbeddings extends AbstractBlock {

    private final int maxPositions;
    private final float dropout;
    private final EmbeddingTable wordEmbeddings;
    private final EmbeddingTable positionEmbeddings;
    private final EmbeddingTable tokenTypeEmbeddings;
    private final HfLayerNorm layerNorm;

    /**
     * Creates the embeddings.
     *
     * @param config the model config
     */
    @SuppressWarnings("this-escape")
    public BertEmbeddings(SpikeBertConfig config) {
        int d = config.hiddenSize();
        float range = config.initializerRange();
        maxPositions = config.maxPositionEmbeddings();
        dropout = config.hiddenDropoutProb();
        wordEmbeddings = addChildBlock("word_embeddings", new EmbeddingTable("token id", config.vocabSize(), d, range));
        positionEmbeddings =
                addChildBlock("position_embeddings", new EmbeddingTable("position", maxPositions, d, range));
        tokenTypeEmbeddings =
                addChildBlock(
                        "token_type_embeddings",
                        new EmbeddingTable("token type id", config.typeVocabSize(), d, range));
        layerNorm = addChildBlock("LayerNorm", new HfLayerNorm(d, config.layerNormEps()));
    }

    /**
     * Returns the word embedding table (its weight is tied to the masked-LM decoder).
     *
     * @return the table
     */
    public EmbeddingTable getWordEmbeddings() {
        return wordEmbeddings;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray inputIds = inputs.get(0);
        NDArray tokenTypeIds = inputs.get(1);
        long length = inputIds.getShape().get(1);
        if (length > maxPositions) {
            throw new IllegalArgumentException(
                    "Sequence of " + length + " tokens exceeds max_position_embeddings " + maxPositions);
        }
        NDManager manager = inputIds.getManager();
        NDArray positions = manager.arange(0, length, 1, DataType.INT64).expandDims(0);
        NDArray embeddings =
                wordEmbeddings.forward(ps, new NDList(inputIds), training).singletonOrThrow()
                        .add(positionEmbeddings.forward(ps, new NDList(positions), training).singletonOrThrow())
                        .add(tokenTypeEmbeddings.forward(ps, new NDList(tokenTypeIds), training).singletonOrThrow());
        NDArray normed = layerNorm.forward(ps, new NDList(embeddings), training).singletonOrThrow();
        return training ? Dropout.dropout(normed, dropout, true) : new NDList(normed);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (var child : children.values()) {
            child.initialize(manager, dataType, new Shape(1, 1));
        }
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(wordEmbeddings.getWeight().getShape().get(1))};
    }
}
