package ai.spikelm.zoo.eval.glue;

import java.nio.file.Path;
import java.util.List;

/**
 * The examples of one split of one task, as read from its TSV file.
 *
 * @param task the task
 * @param split the split name, for example {@code dev_matched}
 * @param file the file the examples came from
 * @param examples the examples in file order
 * @param skippedLines 1-based line numbers of rows skipped as too short (QQP only, see
 *     {@link GlueTask#skipsShortRows()}); empty for every other task
 */
public record GlueSplitData(
        GlueTask task, String split, Path file, List<GlueExample> examples, List<Integer> skippedLines) {

    /**
     * Freezes the lists.
     *
     * @param task the task
     * @param split the split name
     * @param file the source file
     * @param examples the examples in file order
     * @param skippedLines line numbers of skipped rows
     */
    public GlueSplitData {
        examples = List.copyOf(examples);
        skippedLines = List.copyOf(skippedLines);
    }

    /**
     * Returns the number of examples.
     *
     * @return the example count, not counting skipped rows
     */
    public int size() {
        return examples.size();
    }

    /**
     * Tells whether the examples carry gold values.
     *
     * @return {@code false} for a test split
     */
    public boolean isLabelled() {
        return task.columns(split).labelled();
    }

    /**
     * Returns the gold label indices, as {@link GlueMetrics} and {@link GlueScores} take them.
     *
     * @return one label index per example
     * @throws IllegalStateException for STS-B or an unlabelled split
     */
    public int[] labels() {
        if (task.isRegression() || !isLabelled()) {
            throw new IllegalStateException(task + " " + split + " has no class labels");
        }
        return examples.stream().mapToInt(GlueExample::label).toArray();
    }

    /**
     * Returns the gold STS-B scores.
     *
     * @return one score per example
     * @throws IllegalStateException for a classification task or an unlabelled split
     */
    public double[] scores() {
        if (!task.isRegression() || !isLabelled()) {
            throw new IllegalStateException(task + " " + split + " has no scores");
        }
        return examples.stream().mapToDouble(GlueExample::score).toArray();
    }
}
