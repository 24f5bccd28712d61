package ai.spikelm.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Embeds one partition with the executor's encoder, streamed: rows are read a group at a time
 * ({@link EncoderSpec#groupSize()}, the texts the pipeline sorts and runs together), so a
 * partition is never held whole. Each output row is the input row followed by {@link EmbedColumns}.
 */
final class PartitionEmbedder implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final EncoderSpec spec;
    private final int textField;
    private final String textColumn;

    PartitionEmbedder(EncoderSpec spec, int textField, String textColumn) {
        this.spec = spec;
        this.textField = textField;
        this.textColumn = textColumn;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws Exception {
        if (!rows.hasNext()) {
            return Collections.emptyIterator(); // an empty partition loads no model
        }
        LoadedEncoder encoder = ExecutorEncoders.forTask(spec);
        return Chunks.flatMap(rows, spec.groupSize(), group -> embed(encoder, group));
    }

    private List<Row> embed(LoadedEncoder encoder, List<Row> group) {
        List<String> texts = new ArrayList<>(group.size());
        for (Row row : group) {
            String text = row.isNullAt(textField) ? null : row.getString(textField);
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("Column '" + textColumn + "' is empty in row " + row
                        + " (partition " + TaskContext.getPartitionId() + "): every row needs a text to embed");
            }
            texts.add(text);
        }
        EmbeddedGroup embedded = encoder.embed(texts);
        List<Row> out = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            Row row = group.get(i);
            Object[] values = new Object[row.length() + EmbedColumns.COUNT];
            for (int f = 0; f < row.length(); f++) {
                values[f] = row.get(f);
            }
            EmbedColumns.fill(values, row.length(), embedded, i);
            out.add(RowFactory.create(values));
        }
        return out;
    }
}
