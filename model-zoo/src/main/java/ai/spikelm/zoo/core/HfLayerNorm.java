package ai.spikelm.zoo.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * Layer normalisation over the last axis with Hugging Face parameter names ({@code weight}, {@code
 * bias}; DJL's own block calls them gamma and beta).
 */
public class HfLayerNorm extends AbstractBlock {

    private static final byte VERSION = 1;

    private final long dim;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the block.
     *
     * @param dim the size of the last axis
     * @param eps the variance epsilon
     */
    @SuppressWarnings("this-escape")
    public HfLayerNorm(long dim, float eps) {
        super(VERSION);
        this.dim = dim;
        this.eps = eps;
        this.weight =
                addParameter(
                        Parameter.builder()
                                .setName("weight")
                                .setType(Parameter.Type.GAMMA)
                                .optShape(new Shape(dim))
                                .optInitializer(new ConstantInitializer(1f))
                                .build());
        this.bias =
                addParameter(
                        Parameter.builder()
                                .setName("bias")
                                .setType(Parameter.Type.BETA)
                                .optShape(new Shape(dim))
                                .optInitializer(new ConstantInitializer(0f))
                                .build());
    }

    /**
     * Returns the scale parameter γ ({@code weight}).
     *
     * @return γ
     */
    public Parameter getWeight() {
        return weight;
    }

    /**
     * Returns the shift parameter β ({@code bias}).
     *
     * @return β
     */
    public Parameter getBias() {
        return bias;
    }

    /**
     * Returns the variance epsilon.
     *
     * @return ε
     */
    public float getEps() {
        return eps;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = parameterStore.getValue(weight, x.getDevice(), training);
        NDArray b = parameterStore.getValue(bias, x.getDevice(), training);
        return LayerNorm.layerNorm(x, new Shape(dim), w, b, eps);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
