package ai.spikelm.zoo.eval.glue;

import java.io.Serializable;

/**
 * One GLUE example: one or two texts and, unless it comes from a test file, a gold label.
 *
 * <p>A classification example carries a label index into {@link GlueTask#labels()} and a
 * {@code NaN} score; an STS-B example carries a score and label {@link #NO_LABEL}; a test example
 * carries neither.
 *
 * @param guid an id unique within the split, {@code <split>-<id column>} or {@code <split>-<line number>}
 * @param textA the first (or only) sentence, exactly as in the file
 * @param textB the second sentence, or {@code null} for single-sentence tasks
 * @param label the gold label index, or {@link #NO_LABEL}
 * @param score the gold STS-B score, or {@code NaN}
 * @serial exclude (serialisable to travel to the workers of a distributed evaluation, not a stored format)
 */
public record GlueExample(String guid, String textA, String textB, int label, float score) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The label of an example that has no class label (a test example or an STS-B example). */
    public static final int NO_LABEL = -1;

    /**
     * Checks that the example carries at most one kind of gold value.
     *
     * @param guid the example id
     * @param textA the first sentence
     * @param textB the second sentence, or {@code null}
     * @param label the gold label index, or {@link #NO_LABEL}
     * @param score the gold score, or {@code NaN}
     * @throws IllegalArgumentException on a null guid or text, a label below -1, or both a label and a score
     */
    public GlueExample {
        if (guid == null || textA == null) {
            throw new IllegalArgumentException("guid and textA are required");
        }
        if (label < NO_LABEL) {
            throw new IllegalArgumentException("label index must be >= 0 or NO_LABEL, got " + label);
        }
        if (label != NO_LABEL && !Float.isNaN(score)) {
            throw new IllegalArgumentException("an example has a label or a score, not both");
        }
    }

    /**
     * Creates a classification example.
     *
     * @param guid the example id
     * @param textA the first sentence
     * @param textB the second sentence, or {@code null}
     * @param label the gold label index, at least 0
     * @return the example
     */
    public static GlueExample classification(String guid, String textA, String textB, int label) {
        if (label < 0) {
            throw new IllegalArgumentException("label index must be >= 0, got " + label);
        }
        return new GlueExample(guid, textA, textB, label, Float.NaN);
    }

    /**
     * Creates an STS-B example.
     *
     * @param guid the example id
     * @param textA the first sentence
     * @param textB the second sentence
     * @param score the gold similarity score, not {@code NaN}
     * @return the example
     */
    public static GlueExample regression(String guid, String textA, String textB, float score) {
        if (Float.isNaN(score)) {
            throw new IllegalArgumentException("score must be a number");
        }
        return new GlueExample(guid, textA, textB, NO_LABEL, score);
    }

    /**
     * Creates an example without a gold value, as read from a test file.
     *
     * @param guid the example id
     * @param textA the first sentence
     * @param textB the second sentence, or {@code null}
     * @return the example
     */
    public static GlueExample unlabelled(String guid, String textA, String textB) {
        return new GlueExample(guid, textA, textB, NO_LABEL, Float.NaN);
    }

    /**
     * Tells whether the example has a gold label or score.
     *
     * @return {@code false} for test examples
     */
    public boolean isLabelled() {
        return label != NO_LABEL || !Float.isNaN(score);
    }

    /**
     * Tells whether the example is a sentence pair.
     *
     * @return whether {@link #textB()} is present
     */
    public boolean hasTextB() {
        return textB != null;
    }
}
