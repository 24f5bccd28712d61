package ai.spikelm.zoo.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * A lookup table {@code weight[num, dim]} (Hugging Face {@code nn.Embedding}): integer ids {@code
 * [...]} → vectors {@code [..., dim]}. Ids outside {@code [0, num)} are a clear error.
 */
public class EmbeddingTable extends AbstractBlock {

    private static final byte VERSION = 1;

    private final String what;
    private final long size;
    private final long dim;
    private final Parameter weight;

    /**
     * Creates a table.
     *
     * @param what what the ids are, for error messages ("token id")
     * @param size the number of rows
     * @param dim the vector size
     * @param initializerRange the standard deviation of the random initialisation
     */
    @SuppressWarnings("this-escape")
    public EmbeddingTable(String what, long size, long dim, float initializerRange) {
        super(VERSION);
        this.what = what;
        this.size = size;
        this.dim = dim;
        this.weight =
                addParameter(
                        Parameter.builder()
                                .setName("weight")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(size, dim))
                                .optInitializer(new NormalInitializer(initializerRange))
                                .build());
    }

    /**
     * Returns the weight parameter (shared with a tied output layer).
     *
     * @return the weight
     */
    public Parameter getWeight() {
        return weight;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow();
        if (ids.getDataType().isFloating()) {
            throw new IllegalArgumentException(what + "s must be integers, got " + ids.getDataType());
        }
        if (ids.size() > 0) {
            long min = ids.min().toType(DataType.INT64, false).getLong();
            long max = ids.max().toType(DataType.INT64, false).getLong();
            if (min < 0 || max >= size) {
                throw new IllegalArgumentException(
                        what + " out of range [0, " + size + "): found " + (min < 0 ? min : max));
            }
        }
        NDArray w = parameterStore.getValue(weight, ids.getDevice(), training);
        return Embedding.embedding(ids.toType(DataType.INT64, false), w, SparseFormat.DENSE);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(dim)};
    }
}
