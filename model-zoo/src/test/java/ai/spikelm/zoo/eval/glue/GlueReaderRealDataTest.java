package ai.spikelm.zoo.eval.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.spikelm.zoo.eval.StsEvaluator;
import ai.spikelm.zoo.eval.StsPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reader on the real GLUE files. The directory comes from the system property {@code glue.dir}
 * (default {@code ../../shared/glue}, relative to the module); where it is absent, as in CI, every
 * test here is skipped and {@link GlueReaderFixtureTest} still covers the reader.
 */
class GlueReaderRealDataTest {

    private static final Path GLUE_DIR = Path.of(System.getProperty("glue.dir", "../../shared/glue"));

    /**
     * Returns a reader of the real data, or skips the calling test. The check is per test rather
     * than in a {@code @BeforeAll} so that Surefire counts the tests as skipped instead of not run.
     */
    private static GlueReader reader() {
        assumeTrue(Files.isDirectory(GLUE_DIR), "no GLUE data at " + GLUE_DIR.toAbsolutePath() + "; set -Dglue.dir");
        return new GlueReader(GLUE_DIR);
    }

    private static GlueSplitData read(GlueTask task, String split) throws IOException {
        GlueReader reader = reader();
        assumeTrue(reader.exists(task, split), task + " " + split + " is not in " + GLUE_DIR);
        return reader.read(task, split);
    }

    /** Row counts from the data README (the official sizes) and the label balance it lists. */
    @ParameterizedTest(name = "{0} {1}: {2} rows")
    @CsvSource({
        "COLA, train, 8551, 2528",
        "COLA, dev, 1043, 322",
        "SST2, train, 67349, 29780",
        "SST2, dev, 872, 428",
        "MRPC, train, 3668, 1194",
        "MRPC, dev, 408, 129",
        "STSB, train, 5749, -1",
        "STSB, dev, 1500, -1",
        "QNLI, dev, 5463, 2702",
        "RTE, train, 2490, 1249",
        "RTE, dev, 277, 146",
        "WNLI, train, 635, 323",
        "WNLI, dev, 71, 40"
    })
    void rowCountsAndLabelZeroCounts(GlueTask task, String split, int rows, int labelZero) throws IOException {
        GlueSplitData data = read(task, split);
        assertEquals(rows, data.size());
        assertTrue(data.skippedLines().isEmpty());
        if (task.isRegression()) {
            assertTrue(Arrays.stream(data.scores()).allMatch(s -> s >= 0 && s <= 5));
        } else {
            assertEquals(labelZero, Arrays.stream(data.labels()).filter(label -> label == 0).count());
        }
    }

    static Stream<Arguments> firstRows() {
        return Stream.of(
                Arguments.of(GlueTask.COLA, "train", "train-1",
                        "Our friends won't buy this analysis, let alone the next one we propose.", null, "1"),
                Arguments.of(GlueTask.COLA, "dev", "dev-1", "The sailors rode the breeze clear of the rocks.", null, "1"),
                Arguments.of(GlueTask.SST2, "train", "train-2", "hide new secretions from the parental units ", null, "0"),
                Arguments.of(GlueTask.SST2, "dev", "dev-2", "it 's a charming and often affecting journey . ", null, "1"),
                Arguments.of(GlueTask.MRPC, "train", "train-2",
                        "Amrozi accused his brother , whom he called \" the witness \" , "
                                + "of deliberately distorting his evidence .",
                        "Referring to him as only \" the witness \" , "
                                + "Amrozi accused his brother of deliberately distorting his evidence .",
                        "1"),
                Arguments.of(GlueTask.MRPC, "dev", "dev-2",
                        "He said the foodservice pie business doesn 't fit the company 's long-term growth strategy .",
                        "\" The foodservice pie business does not fit our long-term growth strategy .", "1"),
                Arguments.of(GlueTask.STSB, "train", "train-0",
                        "A plane is taking off.", "An air plane is taking off.", "5.000"),
                Arguments.of(GlueTask.STSB, "dev", "dev-0",
                        "A man with a hard hat is dancing.", "A man wearing a hard hat is dancing.", "5.000"),
                Arguments.of(GlueTask.QNLI, "dev", "dev-0", "What came into force after the new constitution was herald?",
                        "As of that day, the new constitution heralding the Second Republic came into force.", "entailment"),
                Arguments.of(GlueTask.RTE, "train", "train-0", "No Weapons of Mass Destruction Found in Iraq Yet.",
                        "Weapons of Mass Destruction Found in Iraq.", "not_entailment"),
                Arguments.of(GlueTask.RTE, "dev", "dev-0",
                        "Dana Reeve, the widow of the actor Christopher Reeve, has died of lung cancer at age 44, "
                                + "according to the Christopher Reeve Foundation.",
                        "Christopher Reeve had an accident.", "not_entailment"),
                Arguments.of(GlueTask.WNLI, "train", "train-0",
                        "I stuck a pin through a carrot. When I pulled the pin out, it had a hole.",
                        "The carrot had a hole.", "1"),
                Arguments.of(GlueTask.WNLI, "dev", "dev-0",
                        "The drain is clogged with hair. It has to be cleaned.", "The hair has to be cleaned.", "0"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("firstRows")
    void firstRow(GlueTask task, String split, String guid, String textA, String textB, String gold)
            throws IOException {
        GlueExample first = read(task, split).examples().get(0);
        assertEquals(guid, first.guid());
        assertEquals(textA, first.textA());
        assertEquals(textB, first.textB());
        if (task.isRegression()) {
            assertEquals(Float.parseFloat(gold), first.score());
        } else {
            assertEquals(gold, task.labels().get(first.label()));
        }
    }

    @Test
    void strayQuoteInRteTrainStaysInItsRow() throws IOException {
        GlueExample row = read(GlueTask.RTE, "train").examples().stream()
                .filter(e -> e.guid().equals("train-2164"))
                .findFirst()
                .orElseThrow();
        assertTrue(row.textA().startsWith("\"That film wasn't too successful"), row.textA());
    }

    @Test
    void colaDevEndsWithoutNewline() throws IOException {
        List<GlueExample> dev = read(GlueTask.COLA, "dev").examples();
        assertEquals("John talked to Bill about himself.", dev.get(dev.size() - 1).textA());
    }

    /** The STS evaluator's own small STS-B reader (model-zoo cannot use this one) reads the same pairs. */
    @ParameterizedTest(name = "STS-B {0}")
    @CsvSource({"train", "dev"})
    void stsEvaluatorReaderAgrees(String split) throws IOException {
        GlueSplitData data = read(GlueTask.STSB, split);
        List<StsPair> pairs = StsEvaluator.readGlueStsb(data.file());
        assertEquals(data.examples().size(), pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            GlueExample e = data.examples().get(i);
            assertEquals(e.textA(), pairs.get(i).sentence1(), e.guid());
            assertEquals(e.textB(), pairs.get(i).sentence2(), e.guid());
            assertEquals(e.score(), pairs.get(i).score(), 1e-6, e.guid()); // GlueExample keeps a float
        }
    }

    @Test
    void missingTasksReportTheExpectedPath() {
        GlueReader reader = reader();
        assumeFalse(reader.exists(GlueTask.MNLI, "dev_mismatched"));
        MalformedGlueFileException e =
                assertThrows(MalformedGlueFileException.class, () -> reader.read(GlueTask.MNLI, "dev_mismatched"));
        assertTrue(e.getMessage().contains("MNLI split 'dev_mismatched'"), e.getMessage());
        assertTrue(e.getMessage().contains("dev_mismatched.tsv"), e.getMessage());
    }
}
