package ai.spikelm.spark;

import ai.spikelm.zoo.eval.StsEvaluator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores one partition of STS pairs, a group at a time: the cosine of the two sentences' vectors
 * (each distinct sentence of the group embedded once), with the tokens and energy that went into
 * them. Input rows are {@link #INPUT}, output rows {@link #OUTPUT}.
 */
final class PairScorer implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** A pair: its index in the set and its two sentences. */
    static final StructType INPUT = new StructType()
            .add("index", DataTypes.IntegerType, false)
            .add("sentence1", DataTypes.StringType, false)
            .add("sentence2", DataTypes.StringType, false);

    /**
     * A scored pair. Each sentence's tokens and energy are counted at the first pair of its group
     * that has it, so the sums over pairs are those of the groups; {@code firing_tokens} is the
     * group's firing rate times those tokens.
     */
    static final StructType OUTPUT = new StructType()
            .add("index", DataTypes.IntegerType, false)
            .add("cosine", DataTypes.DoubleType, false)
            .add("tokens", DataTypes.LongType, false)
            .add("firing_tokens", DataTypes.DoubleType, true)
            .add("energy_uj", DataTypes.DoubleType, true)
            .add("ann_energy_uj", DataTypes.DoubleType, true);

    private final EncoderSpec spec;

    PairScorer(EncoderSpec spec) {
        this.spec = spec;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> pairs) throws Exception {
        if (!pairs.hasNext()) {
            return Collections.emptyIterator();
        }
        LoadedEncoder encoder = ExecutorEncoders.forTask(spec);
        // Two sentences a pair: a group of pairs has at most a group's worth of distinct sentences.
        return Chunks.flatMap(pairs, Math.max(1, spec.groupSize() / 2), chunk -> score(encoder, chunk));
    }

    private static List<Row> score(LoadedEncoder encoder, List<Row> chunk) {
        Map<String, Integer> index = new LinkedHashMap<>(); // each distinct sentence once
        for (Row pair : chunk) {
            index.putIfAbsent(pair.getString(1), index.size());
            index.putIfAbsent(pair.getString(2), index.size());
        }
        EmbeddedGroup group = encoder.embed(new ArrayList<>(index.keySet()));
        boolean[] counted = new boolean[index.size()];
        List<Row> out = new ArrayList<>(chunk.size());
        for (Row pair : chunk) {
            int a = index.get(pair.getString(1));
            int b = index.get(pair.getString(2));
            long tokens = 0;
            for (int s : new int[] {a, b}) {
                if (!counted[s]) {
                    counted[s] = true;
                    tokens += group.embeddings().get(s).tokens();
                }
            }
            Double rate = group.firingRate();
            out.add(RowFactory.create(
                    pair.getInt(0),
                    StsEvaluator.cosine(group.embeddings().get(a).vector(), group.embeddings().get(b).vector()),
                    tokens,
                    rate == null ? null : rate * tokens,
                    group.microjoules(tokens),
                    group.annMicrojoules(tokens)));
        }
        return out;
    }
}
