package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The stack of layers, {@code encoder.layer.N}: input and output {@code [T, B, L, D]}.
 *
 * <p>With {@link SpikeBertModel#OUTPUT_HIDDEN_STATES} set in the forward parameters the output is
 * the last layer's output followed by every layer's output in order ({@code N + 1} arrays, the
 * last two the same array); otherwise it is the last layer's output alone. With {@link
 * SpikeBertModel#OUTPUT_ATTENTION_LOG_PROBS} every layer's attention log-probabilities {@code [T, B,
 * H, L, L]} follow.
 */
public class BertEncoder extends AbstractBlock {

    /**
     * Creates the encoder.
     *
     * @param config the model config
     */
    @SuppressWarnings("this-escape")
    public BertEncoder(SpikeBertConfig config) {
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            addChildBlock("layer." + i, new BertLayer(config));
        }
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = inputs.get(0);
        NDArray mask = inputs.get(1);
        boolean all = SpikeBertModel.wantsHiddenStates(params);
        boolean attentions = SpikeBertModel.wants(params, SpikeBertModel.OUTPUT_ATTENTION_LOG_PROBS);
        NDList layers = new NDList(all ? children.size() : 0);
        NDList logProbs = new NDList(attentions ? children.size() : 0);
        NDManager parent = hidden.getManager();
        for (Block layer : children.values()) {
            if (training || all || attentions) {
                NDList out = layer.forward(ps, new NDList(hidden, mask), training, params);
                hidden = out.get(0);
                logProbs.addAll(out.subNDList(1));
            } else {
                hidden = forwardScoped(layer, ps, hidden, mask, hidden != inputs.get(0), parent);
            }
            if (all) {
                layers.add(hidden);
            }
        }
        return new NDList(hidden).addAll(layers).addAll(logProbs);
    }

    /**
     * Runs one layer at inference so that its temporaries (at T = 4 a few hundred MB per layer:
     * scores, probabilities, the FFN expansion, the spikes) are freed when it returns instead of
     * when the whole forward pass ends. The next layer then reuses the same, already mapped memory
     * rather than touching fresh pages, and the peak footprint is one layer's.
     *
     * @param ownsInput whether {@code hidden} is an earlier layer's output, freed here as well
     */
    private static NDArray forwardScoped(
            Block layer, ParameterStore ps, NDArray hidden, NDArray mask, boolean ownsInput, NDManager parent) {
        try (NDManager scope = parent.newSubManager()) {
            if (ownsInput) {
                hidden.attach(scope);
            } else {
                hidden.tempAttach(scope); // the caller's input goes back to it
            }
            NDArray out = layer.forward(ps, new NDList(hidden, mask), false).singletonOrThrow();
            out.attach(parent);
            return out;
        }
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block layer : children.values()) {
            layer.initialize(manager, dataType, inputShapes);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
