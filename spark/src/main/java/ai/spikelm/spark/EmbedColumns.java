package ai.spikelm.spark;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns the embedding job adds to every input row.
 *
 * <ul>
 *   <li>{@value #EMBEDDING}: the sentence vector, {@code array<float>} (L2-normalised);
 *   <li>{@value #TOKENS}: the real tokens the encoder read for the text (special tokens included,
 *       padding not; summed over windows), {@code int};
 *   <li>{@value #FIRING_RATE}: the firing rate of the group the row ran in, {@code double} (null
 *       for an ANN or without measurement);
 *   <li>{@value #ENERGY}: the estimated energy of the row in µJ: its group's, by its share of the
 *       group's real tokens, {@code double} (null without measurement);
 *   <li>{@value #ANN_ENERGY}: the same for the equivalent ANN, {@code double}.
 * </ul>
 */
public final class EmbedColumns {

    /** The vector column. */
    public static final String EMBEDDING = "embedding";
    /** The token count column. */
    public static final String TOKENS = "tokens";
    /** The firing rate column. */
    public static final String FIRING_RATE = "firing_rate";
    /** The energy column, µJ. */
    public static final String ENERGY = "energy_uj";
    /** The ANN energy column, µJ. */
    public static final String ANN_ENERGY = "ann_energy_uj";

    static final int COUNT = 5;

    private static final List<StructField> FIELDS = List.of(
            DataTypes.createStructField(EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false), false),
            DataTypes.createStructField(TOKENS, DataTypes.IntegerType, false),
            DataTypes.createStructField(FIRING_RATE, DataTypes.DoubleType, true),
            DataTypes.createStructField(ENERGY, DataTypes.DoubleType, true),
            DataTypes.createStructField(ANN_ENERGY, DataTypes.DoubleType, true));

    private EmbedColumns() {}

    /**
     * Returns the input schema with these columns after it.
     *
     * @param input the input's schema
     * @return the output schema
     * @throws IllegalArgumentException if the input already has a column of one of these names
     */
    static StructType appendTo(StructType input) {
        StructType out = input;
        for (StructField field : FIELDS) {
            if (List.of(input.fieldNames()).contains(field.name())) {
                throw new IllegalArgumentException("The input already has a column '" + field.name()
                        + "', which the job writes; rename or drop it first");
            }
            out = out.add(field);
        }
        return out;
    }

    /** Writes the row's values of these columns into {@code values} from {@code offset}. */
    static void fill(Object[] values, int offset, EmbeddedGroup group, int row) {
        int tokens = group.embeddings().get(row).tokens();
        values[offset] = group.embeddings().get(row).vector();
        values[offset + 1] = tokens;
        values[offset + 2] = group.firingRate();
        values[offset + 3] = group.microjoules(tokens);
        values[offset + 4] = group.annMicrojoules(tokens);
    }
}
