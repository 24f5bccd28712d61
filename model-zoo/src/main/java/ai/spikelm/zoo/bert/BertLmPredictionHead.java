package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import ai.spikelm.zoo.core.Activations;
import ai.spikelm.zoo.core.HfLayerNorm;
import java.util.function.UnaryOperator;

/**
 * The real-valued masked-LM head ({@code cls.predictions}): LayerNorm(act(dense(h))) · Eᵀ + bias,
 * with the decoder tied to the word embeddings E. Output {@code [B, L, vocab]}.
 */
public class BertLmPredictionHead extends AbstractBlock {

    private final int hidden;
    private final Parameter wordEmbeddings;
    private final Transform transform;
    private final Parameter bias;

    /**
     * Creates the head.
     *
     * @param config the config
     * @param wordEmbeddings the word embedding weight, shared with the decoder
     */
    @SuppressWarnings("this-escape")
    public BertLmPredictionHead(SpikeBertConfig config, Parameter wordEmbeddings) {
        this.hidden = config.hiddenSize();
        this.wordEmbeddings = wordEmbeddings;
        transform = addChildBlock("transform", new Transform(config));
        bias =
                addParameter(
                        Parameter.builder()
                                .setName("bias")
                                .setType(Parameter.Type.BIAS)
                                .optShape(new Shape(config.vocabSize()))
                                .optInitializer(new ConstantInitializer(0f))
                                .build());
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = transform.forward(ps, inputs, training).singletonOrThrow();
        NDArray e = ps.getValue(wordEmbeddings, h.getDevice(), training);
        return Linear.linear(h, e, ps.getValue(bias, h.getDevice(), training));
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        transform.initialize(manager, dataType, new Shape(1, 1, hidden));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape h = inputShapes[0];
        return new Shape[] {h.slice(0, h.dimension() - 1).add(bias.getShape().get(0))};
    }

    /** {@code transform}: dense, activation, LayerNorm. */
    static final class Transform extends AbstractBlock {
        private final int hidden;
        private final Linear dense;
        private final UnaryOperator<NDArray> activation;
        private final HfLayerNorm layerNorm;

        @SuppressWarnings("this-escape")
        Transform(SpikeBertConfig config) {
            hidden = config.hiddenSize();
            dense = addChildBlock("dense", Linear.builder().setUnits(hidden).build());
            activation = Activations.of(config.hiddenAct());
            layerNorm = addChildBlock("LayerNorm", new HfLayerNorm(hidden, config.layerNormEps()));
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray h = activation.apply(dense.forward(ps, inputs, training).singletonOrThrow());
            return layerNorm.forward(ps, new NDList(h), training);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            dense.initialize(manager, dataType, new Shape(1, hidden));
            layerNorm.initialize(manager, dataType, new Shape(1, hidden));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }
}
