package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The pre-training heads ({@code cls}): masked-LM predictions on every token and, optionally, the
 * next-sentence head ({@code seq_relationship}, 2 logits) on the pooled output.
 *
 * <p>Inputs: {@code sequence_output [B, L, D]} and, with the NSP head, {@code pooled [B, D]}.
 * Outputs: MLM logits {@code [B, L, V]} and, with the NSP head, {@code [B, 2]}.
 */
public class BertPreTrainingHeads extends AbstractBlock {

    private final int hidden;
    private final BertLmPredictionHead predictions;
    private final Linear seqRelationship;

    /**
     * Creates the heads.
     *
     * @param config the config
     * @param bert the encoder whose word embeddings the decoder shares
     * @param nextSentence whether to add the next-sentence head
     */
    @SuppressWarnings("this-escape")
    public BertPreTrainingHeads(SpikeBertConfig config, SpikeBertModel bert, boolean nextSentence) {
        hidden = config.hiddenSize();
        predictions =
                addChildBlock(
                        "predictions",
                        new BertLmPredictionHead(config, bert.getEmbeddings().getWordEmbeddings().getWeight()));
        seqRelationship =
                nextSentence ? addChildBlock("seq_relationship", Linear.builder().setUnits(2).build()) : null;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = predictions.forward(ps, new NDList(inputs.get(0)), training);
        if (seqRelationship != null) {
            out.add(seqRelationship.forward(ps, new NDList(inputs.get(1)), training).singletonOrThrow());
        }
        return out;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        predictions.initialize(manager, dataType, new Shape(1, 1, hidden));
        if (seqRelationship != null) {
            seqRelationship.initialize(manager, dataType, new Shape(1, hidden));
        }
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape mlm = predictions.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        return seqRelationship == null
                ? new Shape[] {mlm}
                : new Shape[] {mlm, new Shape(inputShapes[0].get(0), 2)};
    }
}
