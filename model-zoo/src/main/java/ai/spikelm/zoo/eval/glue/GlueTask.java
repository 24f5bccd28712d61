package ai.spikelm.zoo.eval.glue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The nine GLUE tasks, each with its directory, labels, TSV layouts, split names and metrics.
 *
 * <p>Layouts follow the files written by the original {@code download_glue_data.py} and read by the
 * GLUE processors of Hugging Face {@code run_glue}. Label indices are positions in {@link #labels()},
 * in the processors' order, so a classifier's output {@code i} means {@code labels().get(i)}.
 *
 * <p>MNLI has two dev sets, {@code dev_matched} and {@code dev_mismatched} (and two test sets), which
 * are reported separately as MNLI-m and MNLI-mm; every other task has one {@code dev} and one
 * {@code test}.
 */
public enum GlueTask {
    /** Corpus of Linguistic Acceptability: single sentences, acceptable (1) or not (0). */
    COLA(
            "CoLA",
            List.of("0", "1"),
            Layouts.COLA,
            Layouts.COLA,
            GlueColumns.headed("index\tsentence", "index", "sentence", null, null),
            Splits.SINGLE_DEV,
            Splits.SINGLE_TEST,
            List.of(GlueMetric.MATTHEWS)),
    /** Stanford Sentiment Treebank, binary: positive (1) or negative (0) sentences. */
    SST2(
            "SST-2",
            List.of("0", "1"),
            Layouts.SST2,
            Layouts.SST2,
            GlueColumns.headed("index\tsentence", "index", "sentence", null, null),
            Splits.SINGLE_DEV,
            Splits.SINGLE_TEST,
            List.of(GlueMetric.ACCURACY)),
    /** Microsoft Research Paraphrase Corpus: is the pair a paraphrase (1) or not (0). */
    MRPC(
            "MRPC",
            List.of("0", "1"),
            Layouts.MRPC,
            Layouts.MRPC,
            GlueColumns.headed("index\t#1 ID\t#2 ID\t#1 String\t#2 String", "index", "#1 String", "#2 String", null),
            Splits.SINGLE_DEV,
            Splits.SINGLE_TEST,
            List.of(GlueMetric.ACCURACY, GlueMetric.F1)),
    /** Semantic Textual Similarity Benchmark: a similarity score in [0, 5], a regression task. */
    STSB(
            "STS-B",
            List.of(),
            Layouts.STSB,
            Layouts.STSB,
            GlueColumns.headed(Layouts.STSB_TEST_HEADER, "index", "sentence1", "sentence2", null),
            Splits.SINGLE_DEV,
            Splits.SINGLE_TEST,
            List.of(GlueMetric.PEARSON, GlueMetric.SPEARMAN)),
    /** Quora Question Pairs: are the two questions duplicates (1) or not (0). */
    QQP(
            "QQP",
            List.of("0", "1"),
            Layouts.QQP,
            Layouts.QQP,
            GlueColumns.headed("id\tquestion1\tquestion2", "id", "question1", "question2", null),
            Splits.SINGLE_DEV,
            Splits.SINGLE_TEST,
            List.of(GlueMetric.ACCURACY, GlueMetric.F1)),
    /** Multi-Genre NLI: contradiction, entailment or neutral; matched and mismatched dev sets. */
    MNLI(
            "MNLI",
            List.of("contradiction", "entailment", "neutral"),
            GlueColumns.headed(Layouts.MNLI_TRAIN_HEADER, "index", "sentence1", "sentence2", "gold_label"),
            GlueColumns.headed(Layouts.MNLI_DEV_HEADER, "index", "sentence1", "sentence2", "gold_label"),
            GlueColumns.headed(Layouts.MNLI_TEST_HEADER, "index", "sentence1", "sentence2", null),
            List.of("dev_matched", "dev_mismatched"),
            List.of("test_matched", "test_mismatched"),
            List.of(GlueMetric.ACCURACY)),
    /** Question NLI (from SQuAD): does the sentence answer the question. */
    QNLI(
            "QNLI",
            List.of("entailment", "not_entailment"),
            Layouts.QNLI,
            Layouts.QNLI,
            GlueColumns.headed("index\tquestion\tsentence", "index", "question", "sentence", null),
            Splits.SINGLE_DEV,
            Splits.SINGLE_TEST,
            List.of(GlueMetric.ACCURACY)),
    /** Recognizing Textual Entailment. */
    RTE(
            "RTE",
            List.of("entailment", "not_entailment"),
            Layouts.PAIR,
            Layouts.PAIR,
            Layouts.PAIR_TEST,
            Splits.SINGLE_DEV,
            Splits.SINGLE_TEST,
            List.of(GlueMetric.ACCURACY)),
    /** Winograd NLI: entailed (1) or not (0). */
    WNLI(
            "WNLI",
            List.of("0", "1"),
            Layouts.PAIR,
            Layouts.PAIR,
            Layouts.PAIR_TEST,
            Splits.SINGLE_DEV,
            Splits.SINGLE_TEST,
            List.of(GlueMetric.ACCURACY));

    /** Name of the training split of every task. */
    public static final String TRAIN = "train";

    /** Lowest STS-B similarity score. */
    public static final float MIN_SCORE = 0f;

    /** Highest STS-B similarity score. */
    public static final float MAX_SCORE = 5f;

    /** Layouts shared by several tasks or too long to inline. */
    private static final class Layouts {
        static final GlueColumns COLA =
                GlueColumns.headerless("source\tlabel\toriginal_judgement\tsentence", 3, 1);
        static final GlueColumns SST2 = GlueColumns.headed("sentence\tlabel", null, "sentence", null, "label");
        static final GlueColumns MRPC = GlueColumns.headed(
                "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String", null, "#1 String", "#2 String", "Quality");
        static final String STSB_TEST_HEADER =
                "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2";
        static final GlueColumns STSB =
                GlueColumns.headed(STSB_TEST_HEADER + "\tscore", "index", "sentence1", "sentence2", "score");
        static final GlueColumns QQP = GlueColumns.headed(
                "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate", "id", "question1", "question2", "is_duplicate");
        static final String MNLI_TEST_HEADER = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse"
                + "\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2";
        static final String MNLI_TRAIN_HEADER = MNLI_TEST_HEADER + "\tlabel1\tgold_label";
        static final String MNLI_DEV_HEADER = MNLI_TEST_HEADER + "\tlabel1\tlabel2\tlabel3\tlabel4\tlabel5\tgold_label";
        static final GlueColumns QNLI =
                GlueColumns.headed("index\tquestion\tsentence\tlabel", "index", "question", "sentence", "label");
        static final GlueColumns PAIR =
                GlueColumns.headed("index\tsentence1\tsentence2\tlabel", "index", "sentence1", "sentence2", "label");
        static final GlueColumns PAIR_TEST =
                GlueColumns.headed("index\tsentence1\tsentence2", "index", "sentence1", "sentence2", null);
    }

    /** Split names of the tasks with a single dev and test set. */
    private static final class Splits {
        static final List<String> SINGLE_DEV = List.of("dev");
        static final List<String> SINGLE_TEST = List.of("test");
    }

    private final String directory;
    private final List<String> labels;
    private final GlueColumns trainColumns;
    private final GlueColumns devColumns;
    private final GlueColumns testColumns;
    private final List<String> devSplits;
    private final List<String> testSplits;
    private final List<String> splits;
    private final List<GlueMetric> metrics;

    GlueTask(
            String directory,
            List<String> labels,
            GlueColumns trainColumns,
            GlueColumns devColumns,
            GlueColumns testColumns,
            List<String> devSplits,
            List<String> testSplits,
            List<GlueMetric> metrics) {
        this.directory = directory;
        this.labels = labels;
        this.trainColumns = trainColumns;
        this.devColumns = devColumns;
        this.testColumns = testColumns;
        this.devSplits = devSplits;
        this.testSplits = testSplits;
        this.splits = allSplits(devSplits, testSplits);
        this.metrics = metrics;
    }

    private static List<String> allSplits(List<String> devSplits, List<String> testSplits) {
        List<String> all = new ArrayList<>();
        all.add(TRAIN);
        all.addAll(devSplits);
        all.addAll(testSplits);
        return List.copyOf(all);
    }

    /**
     * Finds a task by its enum name or directory name, ignoring case and hyphens, so that
     * {@code "sst-2"}, {@code "SST2"} and {@code "STS-B"} all work.
     *
     * @param name a task name
     * @return the task
     * @throws IllegalArgumentException if no task has that name
     */
    public static GlueTask fromName(String name) {
        String wanted = normalise(name);
        for (GlueTask task : values()) {
            if (normalise(task.name()).equals(wanted) || normalise(task.directory).equals(wanted)) {
                return task;
            }
        }
        throw new IllegalArgumentException("unknown GLUE task '" + name + "'; known: " + List.of(values()));
    }

    private static String normalise(String name) {
        return name.replace("-", "").toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the directory of this task inside a {@code glue_data} directory, for example {@code SST-2}.
     *
     * @return the directory name
     */
    public String directory() {
        return directory;
    }

    /**
     * Returns the label strings as they appear in the files, in label-index order; empty for STS-B.
     *
     * @return the labels
     */
    public List<String> labels() {
        return labels;
    }

    /**
     * Tells whether the task predicts a score (STS-B) rather than a class.
     *
     * @return {@code true} for STS-B
     */
    public boolean isRegression() {
        return labels.isEmpty();
    }

    /**
     * Returns the width of a model's output head: the label count, or 1 for the STS-B score.
     *
     * @return the number of outputs
     */
    public int numLabels() {
        return isRegression() ? 1 : labels.size();
    }

    /**
     * Returns the index of a label string.
     *
     * @param label a label as written in the file, for example {@code not_entailment}
     * @return its index in {@link #labels()}, or -1 if it is not a label of this task
     */
    public int labelIndex(String label) {
        return labels.indexOf(label);
    }

    /**
     * Tells whether each example is a sentence pair.
     *
     * @return {@code false} for CoLA and SST-2, {@code true} otherwise
     */
    public boolean isPair() {
        return trainColumns.textBColumn() >= 0;
    }

    /**
     * Tells whether the labelled (train and dev) files start with a header line; only CoLA's do not.
     *
     * @return whether train and dev files have a header
     */
    public boolean hasHeader() {
        return trainColumns.hasHeader();
    }

    /**
     * Tells whether rows with too few columns are skipped instead of rejected. Only QQP does this,
     * because the Hugging Face {@code QqpProcessor} skips rows that raise {@code IndexError}: old
     * copies of QQP contain rows broken by newlines inside questions.
     *
     * @return {@code true} for QQP
     */
    public boolean skipsShortRows() {
        return this == QQP;
    }

    /**
     * Returns every split name of this task: train, then the dev splits, then the test splits.
     *
     * @return the split names
     */
    public List<String> splits() {
        return splits;
    }

    /**
     * Returns the dev split names: {@code dev}, or for MNLI {@code dev_matched} and {@code dev_mismatched}.
     *
     * @return the dev splits
     */
    public List<String> devSplits() {
        return devSplits;
    }

    /**
     * Returns the test split names: {@code test}, or for MNLI {@code test_matched} and {@code test_mismatched}.
     *
     * @return the test splits
     */
    public List<String> testSplits() {
        return testSplits;
    }

    /**
     * Tells whether a split is an unlabelled test split.
     *
     * @param split a split name of this task
     * @return whether the split's file has no labels
     * @throws IllegalArgumentException if the task has no such split
     */
    public boolean isTestSplit(String split) {
        checkSplit(split);
        return testSplits.contains(split);
    }

    /**
     * Returns the file name of a split, for example {@code dev_mismatched.tsv}.
     *
     * @param split a split name of this task
     * @return the file name inside {@link #directory()}
     * @throws IllegalArgumentException if the task has no such split
     */
    public String fileName(String split) {
        checkSplit(split);
        return split + ".tsv";
    }

    /**
     * Returns the column layout of a split's file.
     *
     * @param split a split name of this task
     * @return the layout
     * @throws IllegalArgumentException if the task has no such split
     */
    public GlueColumns columns(String split) {
        checkSplit(split);
        if (split.equals(TRAIN)) {
            return trainColumns;
        }
        return devSplits.contains(split) ? devColumns : testColumns;
    }

    private void checkSplit(String split) {
        if (!splits.contains(split)) {
            throw new IllegalArgumentException(name() + " has no split '" + split + "'; its splits are " + splits);
        }
    }

    /**
     * Returns the metrics reported for this task, main metric first.
     *
     * @return the metrics
     */
    public List<GlueMetric> metrics() {
        return metrics;
    }

    /**
     * Returns the metric the SpikeLM paper reports: Matthews for CoLA, Pearson for STS-B, accuracy
     * for the rest (F1 for MRPC and QQP and Spearman for STS-B are reported next to it).
     *
     * @return the main metric
     */
    public GlueMetric mainMetric() {
        return metrics.get(0);
    }
}
