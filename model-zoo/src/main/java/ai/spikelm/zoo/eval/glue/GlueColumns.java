package ai.spikelm.zoo.eval.glue;

import java.util.List;
import java.util.Objects;

/**
 * Where the fields of one GLUE TSV file sit: its column names, whether the first line is a header
 * of those names, and which columns hold the id, the two texts and the label.
 *
 * <p>Column indices are 0-based; {@code -1} means the file has no such column.
 *
 * @param hasHeader whether the file starts with a header line
 * @param names the column names, in file order; for a header-less file they are descriptive only
 * @param idColumn the column with a per-example id, or -1 (the guid then uses the line number)
 * @param textAColumn the column of the first sentence
 * @param textBColumn the column of the second sentence, or -1 for single-sentence tasks
 * @param labelColumn the column of the label or score, or -1 for unlabelled (test) files
 */
public record GlueColumns(
        boolean hasHeader, List<String> names, int idColumn, int textAColumn, int textBColumn, int labelColumn) {

    /**
     * Checks the indices against the names and freezes the name list.
     *
     * @param hasHeader whether the file starts with a header line
     * @param names the column names, in file order
     * @param idColumn the id column, or -1
     * @param textAColumn the first sentence's column
     * @param textBColumn the second sentence's column, or -1
     * @param labelColumn the label column, or -1
     * @throws IllegalArgumentException if an index is outside the columns or the text column is missing
     */
    public GlueColumns {
        names = List.copyOf(names);
        if (textAColumn < 0) {
            throw new IllegalArgumentException("a GLUE file always has a first text column");
        }
        for (int column : new int[] {idColumn, textAColumn, textBColumn, labelColumn}) {
            if (column < -1 || column >= names.size()) {
                throw new IllegalArgumentException("column " + column + " outside " + names);
            }
        }
    }

    /**
     * Describes a file with a header line, finding each role's column by its header name.
     *
     * @param header the expected header, tab separated
     * @param id the name of the id column, or {@code null}
     * @param textA the name of the first sentence's column
     * @param textB the name of the second sentence's column, or {@code null}
     * @param label the name of the label column, or {@code null} for unlabelled files
     * @return the layout
     */
    static GlueColumns headed(String header, String id, String textA, String textB, String label) {
        List<String> names = List.of(header.split("\t", -1));
        return new GlueColumns(
                true, names, indexOf(names, id), indexOf(names, textA), indexOf(names, textB), indexOf(names, label));
    }

    /**
     * Describes a file without a header line (only CoLA's labelled splits).
     *
     * @param names descriptive column names, tab separated, used in error messages
     * @param textA index of the first sentence
     * @param label index of the label
     * @return the layout
     */
    static GlueColumns headerless(String names, int textA, int label) {
        return new GlueColumns(false, List.of(names.split("\t", -1)), -1, textA, -1, label);
    }

    private static int indexOf(List<String> names, String name) {
        if (name == null) {
            return -1;
        }
        int index = names.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException(name + " is not among " + names);
        }
        return index;
    }

    /**
     * Returns the number of tab-separated fields every line must have.
     *
     * @return the column count
     */
    public int columnCount() {
        return names.size();
    }

    /**
     * Tells whether the file carries labels.
     *
     * @return {@code true} unless this is a test-file layout
     */
    public boolean labelled() {
        return labelColumn >= 0;
    }

    /**
     * Names a column for error messages, 1-based as editors count, for example {@code column 4 'label'}.
     *
     * @param column a 0-based column index
     * @return a human-readable column reference
     */
    public String describe(int column) {
        Objects.checkIndex(column, names.size());
        return "column " + (column + 1) + " '" + names.get(column) + "'";
    }
}
