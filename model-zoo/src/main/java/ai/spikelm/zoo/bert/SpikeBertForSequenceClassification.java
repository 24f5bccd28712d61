package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.zoo.family.SequenceClassifierModel;
import java.util.Map;

/**
 * SpikeLM-BERT for sequence classification or regression (Hugging Face {@code
 * BertForSequenceClassification}): {@code classifier(dropout(pooled))}, the pooler reading [CLS]
 * or the mean of the real tokens ({@link SpikeBertConfig#classifierPooling()}). Output: logits
 * {@code [B, num_labels]} (one column for regression).
 *
 * <p>With {@code pair_encoding = siamese} ({@link PairEncoding#SIAMESE}) the model is a
 * bi-encoder for sentence pairs: its input holds 2B sequences, the B first sentences and then
 * the B second sentences, each encoded on its own; u and v are their pooled last hidden states
 * (mean of the real tokens, or [CLS]; no pooler), and the head is
 *
 * <pre>
 * classification:  classifier(dropout([u, v, |u − v|, u ∗ v]))      [B, num_labels], classifier D·4 → C
 * regression:      classifier(cos(u, v))                             [B, 1],          classifier 1 → 1
 * </pre>
 *
 * <p>so the regression's two weights are the scale and offset that map a cosine similarity to
 * the task's scores ({@link #setSimilarityMap}). Hidden states asked for by distillation are
 * those of all 2B sequences.
 */
public class SpikeBertForSequenceClassification extends SpikeBertPreTrainedModel implements SequenceClassifierModel {

    private final SpikeBertModel bert;
    private final Linear classifier;
    private final float dropout;
    private final boolean siamese;

    /**
     * Creates the model.
     *
     * @param config the config; {@code id2label} sets the number of labels (one for regression)
     */
    @SuppressWarnings("this-escape")
    public SpikeBertForSequenceClassification(SpikeBertConfig config) {
        super(config);
        siamese = config.pairEncoding() == PairEncoding.SIAMESE;
        // A bi-encoder reads u and v as they are: a pooler would bend the geometry it keeps.
        bert = addChildBlock("bert", new SpikeBertModel(config, !siamese));
        classifier = addChildBlock("classifier", Linear.builder().setUnits(numLabels(config)).build());
        dropout = config.classifierDropout();
    }

    /** What the classifier reads: the pooled vector, or the siamese pair features. */
    private static int featureSize(SpikeBertConfig config) {
        if (config.pairEncoding() != PairEncoding.SIAMESE) {
            return config.hiddenSize();
        }
        return config.isRegression() ? 1 : 4 * config.hiddenSize();
    }

    private static int numLabels(SpikeBertConfig config) {
        return config.isRegression() ? 1 : config.numLabels();
    }

    /** {@inheritDoc} */
    @Override
    public SpikeBertModel getBert() {
        return bert;
    }

    /** {@inheritDoc} */
    @Override
    public String architecture() {
        return "BertForSequenceClassification";
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (siamese) {
            long rows = inputs.get(0).getShape().get(0);
            if (rows % 2 != 0) {
                throw new IllegalArgumentException("A siamese classifier takes the first sentences and then the second"
                        + " sentences of its pairs, an even number of sequences; got " + rows);
            }
        }
        NDList encoded = bert.forward(ps, inputs, training, params);
        NDArray features = siamese ? pairFeatures(encoded.get(0), inputs) : Dropout.dropout(encoded.get(1), dropout, training).get(0);
        if (siamese && !isRegression()) {
            features = Dropout.dropout(features, dropout, training).get(0);
        }
        NDList out = classifier.forward(ps, new NDList(features), training);
        return out.addAll(bert.extraOutputsOf(encoded));
    }

    /** [u, v, |u − v|, u ∗ v] for classification, cos(u, v) as [B, 1] for regression. */
    private NDArray pairFeatures(NDArray hidden, NDList inputs) {
        NDArray mask = inputs.size() > 1
                ? inputs.get(1).toType(hidden.getDataType(), false).expandDims(2)
                : hidden.getManager().ones(hidden.getShape().slice(0, 2).add(1), hidden.getDataType());
        NDArray pooled = getConfig().classifierPooling().apply(hidden, mask, false);
        long pairs = pooled.getShape().get(0) / 2;
        NDArray u = pooled.get("0:" + pairs);
        NDArray v = pooled.get(pairs + ":");
        if (isRegression()) {
            NDArray dot = u.mul(v).sum(new int[] {1}, true);
            // As torch.nn.functional.cosine_similarity: each norm floored at 1e-8.
            NDArray norms = u.norm(new int[] {1}, true).maximum(1e-8f).mul(v.norm(new int[] {1}, true).maximum(1e-8f));
            return dot.div(norms);
        }
        return NDArrays.concat(new NDList(u, v, u.sub(v).abs(), u.mul(v)), 1);
    }

    /**
     * Sets the affine map from cosine similarity to score of a siamese regression head: score =
     * scale · cos(u, v) + offset. Fitting it to a training set before fine-tuning (least squares)
     * gives a bi-encoder its zero-shot correlation from the first step.
     *
     * @param scale the factor on the cosine
     * @param offset the score at cosine 0
     * @throws IllegalStateException if the model is not a siamese regressor
     */
    public void setSimilarityMap(float scale, float offset) {
        if (!siamese || !isRegression()) {
            throw new IllegalStateException("Only a siamese regression head maps a cosine similarity to a score");
        }
        classifier.getParameters().get("weight").getArray().set(new float[] {scale});
        classifier.getParameters().get("bias").getArray().set(new float[] {offset});
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        bert.initialize(manager, dataType, inputShapes);
        classifier.initialize(manager, dataType, new Shape(1, featureSize(getConfig())));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long examples = siamese ? inputShapes[0].get(0) / 2 : inputShapes[0].get(0);
        return new Shape[] {new Shape(examples, numLabels(getConfig()))};
    }

    /** {@inheritDoc} From the config's {@code id2label}. */
    @Override
    public Map<Integer, String> id2label() {
        return getConfig().id2label();
    }

    /** {@inheritDoc} From the config's {@code problem_type}. */
    @Override
    public boolean isRegression() {
        return getConfig().isRegression();
    }
}
