package ai.spikelm.zoo.eval.glue;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads {@code <glueDir>/<task directory>/<split>.tsv} files of a standard {@code glue_data}
 * directory, strictly.
 *
 * <p>Format rules, matching Python's {@code csv.reader(delimiter="\t", quotechar=None)} on a file
 * opened as {@code utf-8-sig}, which is how Hugging Face {@code run_glue} reads GLUE:
 *
 * <ul>
 *   <li>UTF-8; invalid bytes are an error. A leading byte-order mark is dropped (MRPC has one).
 *   <li>Lines end at {@code \n}, {@code \r\n} or {@code \r}.
 *   <li>Fields are split on tabs only. Quotes are ordinary characters: GLUE texts contain stray
 *       {@code "} that a quote-aware CSV reader would use to merge rows.
 *   <li>Texts are kept exactly as written, including SST-2's trailing spaces.
 * </ul>
 *
 * <p>A {@link MalformedGlueFileException} naming the file and 1-based line is thrown for: a missing
 * file; an empty file; a header with the wrong number of columns or a wrong name in a column the
 * reader uses; a row with the wrong number of columns (a blank line included); a blank sentence; a
 * label not in {@link GlueTask#labels()}; an STS-B score that is not a plain decimal number or lies
 * outside [{@value GlueTask#MIN_SCORE}, {@value GlueTask#MAX_SCORE}].
 *
 * <p>One exception, copied from Hugging Face: QQP rows with <em>fewer</em> columns than the header
 * are skipped, because its {@code QqpProcessor} drops rows that raise {@code IndexError}; the skipped
 * line numbers are returned in {@link GlueSplitData#skippedLines()} and logged as one warning. MRPC
 * gets no such leniency: its processor indexes the row without a guard, so a short MRPC row fails
 * there too, and fails here with a message.
 *
 * <p>Each example's guid is {@code <split>-<id>} when the layout has an id column
 * ({@link GlueColumns#idColumn()}), otherwise {@code <split>-<line number>} (CoLA, SST-2 and MRPC
 * train/dev).
 */
public final class GlueReader {

    private static final System.Logger LOG = System.getLogger(GlueReader.class.getName());

    /** A plain decimal such as {@code 3.800}: no sign, exponent, hex, NaN or Infinity, unlike parseFloat. */
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]*)?|\\.[0-9]+");

    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private final Path glueDir;

    /**
     * Creates a reader of one {@code glue_data} directory.
     *
     * @param glueDir the directory holding one subdirectory per task ({@code CoLA}, {@code SST-2}, …)
     */
    public GlueReader(Path glueDir) {
        this.glueDir = Objects.requireNonNull(glueDir, "glueDir");
    }

    /**
     * Returns the directory this reader reads.
     *
     * @return the {@code glue_data} directory
     */
    public Path glueDir() {
        return glueDir;
    }

    /**
     * Returns where a split's file is expected.
     *
     * @param task the task
     * @param split a split of the task, for example {@code dev} or {@code dev_mismatched}
     * @return {@code <glueDir>/<task directory>/<split>.tsv}
     * @throws IllegalArgumentException if the task has no such split
     */
    public Path path(GlueTask task, String split) {
        return glueDir.resolve(task.directory()).resolve(task.fileName(split));
    }

    /**
     * Tells whether a split's file is present, so that callers can skip tasks they do not have.
     *
     * @param task the task
     * @param split a split of the task
     * @return whether {@link #path} is a regular file
     */
    public boolean exists(GlueTask task, String split) {
        return Files.isRegularFile(path(task, split));
    }

    /**
     * Reads one split. Test splits give unlabelled examples.
     *
     * @param task the task
     * @param split a split of the task, for example {@code train}, {@code dev} or {@code test_matched}
     * @return the examples and any skipped rows
     * @throws MalformedGlueFileException if the file is missing or breaks the rules in the class comment
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the task has no such split
     */
    public GlueSplitData read(GlueTask task, String split) throws IOException {
        Path file = path(task, split);
        if (!Files.isRegularFile(file)) {
            throw new MalformedGlueFileException(
                    file,
                    0,
                    "missing file for " + task + " split '" + split + "': expected " + file.toAbsolutePath());
        }
        return readFile(task, split, file);
    }

    /**
     * Reads a file in the layout of a task's split from any location.
     *
     * @param task the task whose layout and labels the file follows
     * @param split the split whose layout the file follows
     * @param file the file
     * @return the examples and any skipped rows
     * @throws MalformedGlueFileException if the file breaks the rules in the class comment
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the task has no such split
     */
    public static GlueSplitData readFile(GlueTask task, String split, Path file) throws IOException {
        RowParser parser = new RowParser(task, split, file);
        List<GlueExample> examples = new ArrayList<>();
        List<Integer> skipped = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = nextLine(in, file); line != null; line = nextLine(in, file)) {
                lineNumber++;
                if (lineNumber == 1) {
                    line = stripByteOrderMark(line);
                    if (parser.columns.hasHeader()) {
                        parser.checkHeader(line);
                        continue;
                    }
                }
                String[] fields = line.split("\t", -1);
                if (parser.isSkippableShortRow(line, fields)) {
                    skipped.add(lineNumber);
                    continue;
                }
                examples.add(parser.parse(fields, lineNumber));
            }
            if (lineNumber == 0) {
                throw new MalformedGlueFileException(file, 0, "file is empty; " + parser.expectation());
            }
        }
        warnAboutSkipped(task, split, file, skipped);
        return new GlueSplitData(task, split, file, examples, skipped);
    }

    /** Reads a line, turning a decoding failure into an error that says on which line it happened. */
    private static String nextLine(BufferedReader in, Path file) throws IOException {
        try {
            return in.readLine();
        } catch (CharacterCodingException e) {
            // The reader decodes ahead of the line it returns, so the failing line is found separately.
            throw new MalformedGlueFileException(file, lineOfInvalidUtf8(file), "not valid UTF-8", e);
        }
    }

    /**
     * Finds the first line whose bytes are not UTF-8, splitting lines as {@link BufferedReader#readLine}
     * does. Splitting raw bytes is safe because CR and LF never occur inside a multi-byte UTF-8 sequence.
     *
     * @return the 1-based line number, or 0 if every line decodes
     */
    private static int lineOfInvalidUtf8(Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int lineNumber = 1;
            int previous = -1;
            for (int b = in.read(); b != -1; previous = b, b = in.read()) {
                if (b == '\n' && previous == '\r') {
                    continue;
                }
                if (b == '\n' || b == '\r') {
                    if (!decodes(decoder, line)) {
                        return lineNumber;
                    }
                    lineNumber++;
                    line.reset();
                } else {
                    line.write(b);
                }
            }
            return decodes(decoder, line) ? 0 : lineNumber;
        }
    }

    private static boolean decodes(CharsetDecoder decoder, ByteArrayOutputStream line) {
        try {
            decoder.reset().decode(ByteBuffer.wrap(line.toByteArray()));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String stripByteOrderMark(String line) {
        return line.startsWith(BYTE_ORDER_MARK) ? line.substring(1) : line;
    }

    private static void warnAboutSkipped(GlueTask task, String split, Path file, List<Integer> skipped) {
        if (!skipped.isEmpty()) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0} {1}: skipped {2} rows with too few columns in {3}, lines {4}",
                    task,
                    split,
                    skipped.size(),
                    file,
                    skipped);
        }
    }

    /** Turns the tab-separated fields of one row into an example, checking each field it uses. */
    private static final class RowParser {
        final GlueTask task;
        final String split;
        final Path file;
        final GlueColumns columns;

        RowParser(GlueTask task, String split, Path file) {
            this.task = task;
            this.split = split;
            this.file = file;
            this.columns = task.columns(split);
        }

        String expectation() {
            return "expected " + columns.columnCount() + " tab-separated columns " + columns.names()
                    + (columns.hasHeader() ? " starting with a header line" : " and no header line");
        }

        /** Only the names of the columns actually used are compared, so unused ones may be spelled differently. */
        void checkHeader(String line) throws MalformedGlueFileException {
            String[] found = line.split("\t", -1);
            if (found.length != columns.columnCount()) {
                throw error(1, "header has " + found.length + " columns, " + expectation());
            }
            for (int column : new int[] {
                columns.idColumn(), columns.textAColumn(), columns.textBColumn(), columns.labelColumn()
            }) {
                if (column >= 0 && !found[column].equals(columns.names().get(column))) {
                    throw error(1, "header column " + (column + 1) + " is '" + found[column] + "', expected '"
                            + columns.names().get(column) + "' (is the header line missing?)");
                }
            }
        }

        /** The QQP rule: a non-blank row with too few columns is dropped, as Hugging Face drops it. */
        boolean isSkippableShortRow(String line, String[] fields) {
            return task.skipsShortRows() && !line.isEmpty() && fields.length < columns.columnCount();
        }

        GlueExample parse(String[] fields, int lineNumber) throws MalformedGlueFileException {
            if (fields.length != columns.columnCount()) {
                String found = fields.length == 1 && fields[0].isEmpty() ? "a blank line" : fields.length + " columns";
                throw error(lineNumber, "found " + found + ", " + expectation());
            }
            String guid = split + "-" + (columns.idColumn() >= 0 ? fields[columns.idColumn()] : lineNumber);
            String textA = text(fields, columns.textAColumn(), lineNumber);
            String textB = columns.textBColumn() >= 0 ? text(fields, columns.textBColumn(), lineNumber) : null;
            if (!columns.labelled()) {
                return GlueExample.unlabelled(guid, textA, textB);
            }
            if (task.isRegression()) {
                return GlueExample.regression(guid, textA, textB, score(fields, lineNumber));
            }
            return GlueExample.classification(guid, textA, textB, label(fields, lineNumber));
        }

        String text(String[] fields, int column, int lineNumber) throws MalformedGlueFileException {
            String text = fields[column];
            if (text.isBlank()) {
                throw error(lineNumber, "empty sentence in " + columns.describe(column));
            }
            return text;
        }

        int label(String[] fields, int lineNumber) throws MalformedGlueFileException {
            String label = fields[columns.labelColumn()];
            int index = task.labelIndex(label);
            if (index < 0) {
                throw error(lineNumber, "unknown label '" + label + "' in " + columns.describe(columns.labelColumn())
                        + "; " + task + " labels are " + task.labels());
            }
            return index;
        }

        float score(String[] fields, int lineNumber) throws MalformedGlueFileException {
            String text = fields[columns.labelColumn()];
            if (!DECIMAL.matcher(text).matches()) {
                throw error(lineNumber, "score '" + text + "' in " + columns.describe(columns.labelColumn())
                        + " is not a decimal number");
            }
            float score = Float.parseFloat(text);
            if (score < GlueTask.MIN_SCORE || score > GlueTask.MAX_SCORE) {
                throw error(lineNumber, "score " + text + " in " + columns.describe(columns.labelColumn())
                        + " is outside [" + GlueTask.MIN_SCORE + ", " + GlueTask.MAX_SCORE + "]");
            }
            return score;
        }

        MalformedGlueFileException error(int lineNumber, String problem) {
            return new MalformedGlueFileException(file, lineNumber, task + " " + split + ": " + problem);
        }
    }
}
