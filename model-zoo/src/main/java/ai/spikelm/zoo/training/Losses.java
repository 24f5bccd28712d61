package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.spikelm.ops.ScalarOps;

/**
 * The losses of SpikeLM training, as plain functions on NDArrays that return a differentiable
 * scalar.
 *
 * <p>They are functions rather than DJL {@link ai.djl.training.loss.Loss} subclasses because a
 * {@code Loss} sees one (labels, predictions) pair, while distillation compares two models' lists
 * of hidden states and masked-LM needs ignored positions; functions compose and are checked
 * against hand-computed values directly. Constants enter through {@link ScalarOps}, so gradients
 * stay right whenever the garbage collector runs.
 */
public final class Losses {

    /** The label of a position that does not count (Hugging Face's {@code ignore_index}). */
    public static final long IGNORE_INDEX = -100;

    private Losses() {}

    /**
     * Softmax cross-entropy, averaged over the positions whose label is not {@link #IGNORE_INDEX}.
     *
     * @param logits {@code [..., C]}
     * @param labels integer class ids of the leading shape of {@code logits}; {@link
     *     #IGNORE_INDEX} where a position does not count
     * @return the mean −log softmax(logits)[label]; a zero that keeps the graph if every position
     *     is ignored (where PyTorch would give NaN)
     * @throws IllegalArgumentException if the shapes do not fit
     */
    public static NDArray softmaxCrossEntropy(NDArray logits, NDArray labels) {
        Shape shape = logits.getShape();
        long classes = shape.get(shape.dimension() - 1);
        if (labels.size() * classes != logits.size()) {
            throw new IllegalArgumentException(
                    "labels " + labels.getShape() + " do not fit logits " + shape + " (one label per row)");
        }
        NDArray rows = logits.reshape(-1, classes);
        NDArray ids = labels.reshape(-1).toType(DataType.INT64, false);
        NDArray counted = ids.neq(IGNORE_INDEX);
        // Ignored rows pick class 0 and are then multiplied by 0, so no index is out of range.
        NDArray safe = ids.mul(counted.toType(DataType.INT64, false));
        NDArray picked = rows.logSoftmax(1).gather(safe.expandDims(1), 1).reshape(-1);
        NDArray weights = counted.toType(DataType.FLOAT32, false);
        float n = weights.sum().getFloat();
        if (n == 0f) {
            return ScalarOps.mul(rows.sum(), 0f);
        }
        return ScalarOps.div(picked.mul(weights).sum().neg(), n);
    }

    /**
     * Mean squared error.
     *
     * @param predictions any shape
     * @param targets as many values (reshaped to the predictions' shape, so {@code [N, 1]} against
     *     {@code [N]} is fine)
     * @return mean((predictions − targets)²)
     * @throws IllegalArgumentException if the element counts differ
     */
    public static NDArray mse(NDArray predictions, NDArray targets) {
        if (predictions.size() != targets.size()) {
            throw new IllegalArgumentException(
                    "predictions " + predictions.getShape() + " and targets " + targets.getShape() + " differ in size");
        }
        return predictions.sub(targets.reshape(predictions.getShape())).square().mean();
    }

    /**
     * Hidden-state distillation loss: the mean over layer pairs of the mean squared difference
     * between student and teacher hidden states, counting only real (unpadded) tokens.
     *
     * @param student the student's hidden states, each {@code [B, L, D]}
     * @param teacher the teacher's hidden states paired with them (same count and shapes); they are
     *     treated as constants
     * @param attentionMask {@code [B, L]}, 1 for real tokens and 0 for padding; {@code null} counts
     *     every position
     * @return (1/P) Σ_pairs Σ_{real tokens, d} (s − t)² / (real tokens · D)
     * @throws IllegalArgumentException if the lists or shapes do not pair up
     */
    public static NDArray hiddenStateMse(NDList student, NDList teacher, NDArray attentionMask) {
        requirePairs(student, teacher, "hidden states");
        NDArray total = null;
        for (int i = 0; i < student.size(); i++) {
            NDArray s = student.get(i);
            NDArray t = teacher.get(i).stopGradient();
            if (!s.getShape().equals(t.getShape())) {
                throw new IllegalArgumentException(
                        "Hidden state " + i + ": student " + s.getShape() + " vs teacher " + t.getShape());
            }
            NDArray squared = s.sub(t).square();
            NDArray term;
            if (attentionMask == null) {
                term = squared.mean();
            } else {
                long d = s.getShape().get(s.getShape().dimension() - 1);
                NDArray mask = attentionMask.toType(DataType.FLOAT32, false).reshape(s.getShape().slice(0, 2).add(1));
                term = squared.mul(mask).sum().div(ScalarOps.mul(mask.sum(), (float) d));
            }
            total = total == null ? term : total.add(term);
        }
        return ScalarOps.div(total, (float) student.size());
    }

    /**
     * Soft-target cross-entropy with temperature (Hinton et al.): the cross-entropy of the
     * student's softened distribution against the teacher's, times T² so that its gradients keep
     * their size as T changes.
     *
     * @param studentLogits {@code [..., C]}
     * @param teacherLogits the same shape; treated as constants
     * @param temperature T &gt; 0
     * @return T² · mean over rows of −Σ_c softmax(t/T)_c · log softmax(s/T)_c
     * @throws IllegalArgumentException if the shapes differ or T is not positive
     */
    public static NDArray softTargetCrossEntropy(NDArray studentLogits, NDArray teacherLogits, float temperature) {
        if (!(temperature > 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("Temperature must be positive and finite, got " + temperature);
        }
        if (!studentLogits.getShape().equals(teacherLogits.getShape())) {
            throw new IllegalArgumentException(
                    "student logits " + studentLogits.getShape() + " vs teacher " + teacherLogits.getShape());
        }
        int last = studentLogits.getShape().dimension() - 1;
        NDArray target = ScalarOps.div(teacherLogits.stopGradient(), temperature).softmax(last);
        NDArray logProbs = ScalarOps.div(studentLogits, temperature).logSoftmax(last);
        return ScalarOps.mul(target.mul(logProbs).sum(new int[] {last}).mean().neg(), temperature * temperature);
    }

    /**
     * Attention-distribution distillation (as MiniLM's self-attention transfer): the KL divergence
     * KL(teacher ‖ student) of every query's attention distribution, averaged over layers, time
     * steps, heads and real query positions. Both sides come as log-probabilities, so padded keys
     * (probability 0) contribute exactly 0 rather than 0 · log 0.
     *
     * @param student each layer's student log-probabilities {@code [T, B, H, L, L]}
     * @param teacher each layer's teacher log-probabilities {@code [T', B, H, L, L]} with T' = T or
     *     1 (an ANN teacher, broadcast over the student's steps); treated as constants
     * @param attentionMask {@code [B, L]}, 1 for real tokens; padded query rows do not count
     * @return (1/layers) Σ_layers mean_{t, b, h, real i} Σ_j p_t(j) (log p_t(j) − log q_s(j))
     * @throws IllegalArgumentException if the lists or shapes do not pair up
     */
    public static NDArray attentionKl(NDList student, NDList teacher, NDArray attentionMask) {
        requirePairs(student, teacher, "attention maps");
        NDArray total = null;
        for (int i = 0; i < student.size(); i++) {
            NDArray s = student.get(i);
            NDArray t = teacher.get(i).stopGradient();
            Shape ss = s.getShape();
            Shape ts = t.getShape();
            if (ss.dimension() != 5 || !ss.slice(1).equals(ts.slice(1)) || (ts.get(0) != 1 && ts.get(0) != ss.get(0))) {
                throw new IllegalArgumentException("Attention map " + i + ": student " + ss + " vs teacher " + ts);
            }
            NDArray perQuery = t.exp().mul(t.sub(s)).sum(new int[] {4}); // [T, B, H, L]
            NDArray rows = attentionMask.toType(DataType.FLOAT32, false).reshape(1, ss.get(1), 1, ss.get(3));
            NDArray term = perQuery.mul(rows).sum().div(ScalarOps.mul(rows.sum(), (float) (ss.get(0) * ss.get(2))));
            total = total == null ? term : total.add(term);
        }
        return ScalarOps.div(total, (float) student.size());
    }

    /**
     * Sentence-embedding distillation: the mean cosine distance between the student's and the
     * teacher's pooled vectors.
     *
     * @param student {@code [B, D]}
     * @param teacher {@code [B, D]}; treated as constants
     * @return mean over the batch of 1 − cos(s_b, t_b)
     * @throws IllegalArgumentException if the shapes differ
     */
    public static NDArray cosineDistance(NDArray student, NDArray teacher) {
        if (!student.getShape().equals(teacher.getShape()) || student.getShape().dimension() != 2) {
            throw new IllegalArgumentException("student " + student.getShape() + " vs teacher " + teacher.getShape() + " (need equal [B, D])");
        }
        NDArray t = teacher.stopGradient();
        NDArray dot = student.mul(t).sum(new int[] {1});
        NDArray norms = ScalarOps.maximum(student.norm(new int[] {1}).mul(t.norm(new int[] {1})), 1e-12f);
        return ScalarOps.mul(dot.div(norms).mean(), -1f).add(1f);
    }

    /**
     * Relational (similarity-preserving) distillation of sentence vectors: the mean squared
     * difference between the student's and the teacher's in-batch cosine-similarity matrices, over
     * the off-diagonal pairs. Zero-shot similarity ranks pairs by their cosine, so this matches the
     * quantity the embedding is used for rather than each vector's direction alone.
     *
     * @param student {@code [B, D]}, B ≥ 2
     * @param teacher {@code [B, D]}; treated as constants
     * @return mean over the B·(B − 1) ordered pairs i ≠ j of (cos(s_i, s_j) − cos(t_i, t_j))²
     * @throws IllegalArgumentException if the shapes differ or the batch has fewer than two rows
     */
    public static NDArray similarityMse(NDArray student, NDArray teacher) {
        if (!student.getShape().equals(teacher.getShape()) || student.getShape().dimension() != 2) {
            throw new IllegalArgumentException("student " + student.getShape() + " vs teacher " + teacher.getShape() + " (need equal [B, D])");
        }
        long rows = student.getShape().get(0);
        if (rows < 2) {
            throw new IllegalArgumentException("similarity distillation needs at least two sentences per batch, got " + rows);
        }
        NDArray difference = cosineMatrix(student).sub(cosineMatrix(teacher.stopGradient()));
        // The diagonal is 1 − 1 = 0 up to rounding; dividing by the off-diagonal count excludes it.
        return ScalarOps.div(difference.square().sum(), (float) (rows * (rows - 1)));
    }

    /** Returns the [B, B] matrix of cosines between the rows of {@code x}. */
    private static NDArray cosineMatrix(NDArray x) {
        NDArray unit = x.div(ScalarOps.maximum(x.norm(new int[] {1}, true), 1e-12f));
        return unit.matMul(unit.transpose());
    }

    private static void requirePairs(NDList student, NDList teacher, String what) {
        if (student.isEmpty() || student.size() != teacher.size()) {
            throw new IllegalArgumentException(
                    "Need as many teacher as student " + what + " (at least one), got " + student.size() + " and " + teacher.size());
        }
    }
}
