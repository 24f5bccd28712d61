package ai.spikelm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.eval.StsEvaluator;
import ai.spikelm.zoo.eval.StsPair;
import ai.spikelm.zoo.eval.StsResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STS-B over partitions on local[2] against {@link StsEvaluator} in this process. */
class StsJobTest extends LocalSparkJobTest {


    @TempDir static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Fixtures.spikingModel(); // before Spark: see there
        startSpark();
    }

    @Test
    void annCorrelationsEqualTheSingleProcessEvaluator() throws Exception {
        List<StsPair> pairs = StsEvaluator.readGlueStsb(Fixtures.stsb(dir.resolve("dev.tsv"), 150));
        EncoderSpec spec = EncoderSpec.builder().optBatchSize(8).optMaxLength(128).build();

        StsJobResult result = StsJob.builder().setPairs(pairs).optEncoder(spec).optPartitions(3).build().run(spark);

        assertSameAsSingleProcess(spec, pairs, result);
        assertEquals(3, result.partitions());
        assertNull(result.firingRate(), "an ANN has no firing rate");
        assertEquals(result.annMicrojoulesPerToken(), result.microjoulesPerToken(), 1e-12);
    }

    @Test
    void spikingCorrelationsEqualTheSingleProcessEvaluator() throws Exception {
        List<StsPair> pairs = StsEvaluator.readGlueStsb(Fixtures.stsb(dir.resolve("dev-t4.tsv"), 30));
        EncoderSpec spec = Fixtures.spiking(8);

        StsJobResult result = StsJob.builder().setPairs(pairs).optEncoder(spec).build().run(spark);

        assertSameAsSingleProcess(spec, pairs, result);
        assertEquals(2, result.partitions(), "default: the default parallelism of local[2]");
        assertTrue(result.firingRate() > 0 && result.firingRate() < 1, "firing rate " + result.firingRate());
        assertTrue(result.microjoulesPerToken() < result.annMicrojoulesPerToken());
    }

    @Test
    void noPairsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StsJob.builder().setPairs(List.of()).build());
        assertTrue(e.getMessage().contains("at least one STS pair"), e.getMessage());
    }

    /**
     * The Spearman and Pearson of the job equal those of {@link StsEvaluator} on the same encoder
     * (both from the same cosines up to float noise), and each pair's cosine equals the one from
     * the in-process vectors.
     */
    private static void assertSameAsSingleProcess(EncoderSpec spec, List<StsPair> pairs, StsJobResult result)
            throws Exception {
        StsResult expected = new StsEvaluator(SingleProcess.encoder(spec).pipeline()).evaluate(pairs);
        System.out.printf("STS %s: Spearman spark %.12f single process %.12f; Pearson spark %.12f single process %.12f%n",
                spec.modelName(), result.result().spearman(), expected.spearman(), result.result().pearson(), expected.pearson());
        assertEquals(expected.spearman(), result.result().spearman(), 1e-9, "Spearman");
        assertEquals(expected.pearson(), result.result().pearson(), 1e-7, "Pearson");
        assertEquals(expected.pairs(), result.result().pairs());
        assertEquals(expected.sentences(), result.result().sentences());
        assertTrue(expected.spearman() > 0.2, "the fixture's gold scores follow the shared words: " + expected.spearman());

        Map<String, Integer> index = new LinkedHashMap<>();
        for (StsPair p : pairs) {
            index.putIfAbsent(p.sentence1(), index.size());
            index.putIfAbsent(p.sentence2(), index.size());
        }
        float[][] vectors = SingleProcess.embed(spec, new ArrayList<>(index.keySet()));
        for (int i = 0; i < pairs.size(); i++) {
            double cosine = StsEvaluator.cosine(vectors[index.get(pairs.get(i).sentence1())], vectors[index.get(pairs.get(i).sentence2())]);
            assertEquals(cosine, result.cosines()[i], 1e-5, "pair " + i);
        }
    }
}
