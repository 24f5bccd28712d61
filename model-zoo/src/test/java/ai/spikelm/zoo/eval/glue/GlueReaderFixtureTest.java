package ai.spikelm.zoo.eval.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reader on small hand-written files in the GLUE layouts, so that it is exercised even where
 * the real GLUE data is absent (CI). Every error case has its own malformed file.
 */
class GlueReaderFixtureTest {

    private static final String PAIR_HEADER = "index\tsentence1\tsentence2\tlabel";
    private static final String STSB_HEADER =
            "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore";
    private static final String MNLI_HEAD = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse"
            + "\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2";

    @TempDir Path glueDir;

    private GlueReader reader() {
        return new GlueReader(glueDir);
    }

    /** Writes lines joined by '\n' with a final '\n', as the GLUE files are. */
    private void write(GlueTask task, String split, String... lines) throws IOException {
        writeRaw(task, split, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void writeRaw(GlueTask task, String split, byte[] content) throws IOException {
        Path file = reader().path(task, split);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    private MalformedGlueFileException malformed(GlueTask task, String split, String... lines) throws IOException {
        write(task, split, lines);
        return assertThrows(MalformedGlueFileException.class, () -> reader().read(task, split));
    }

    private static void assertProblem(MalformedGlueFileException e, int line, String fragment) {
        assertEquals(line, e.lineNumber(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().startsWith(e.file() + (line > 0 ? ":" + line + ": " : ": ")), e.getMessage());
    }

    // ---- well-formed files, one per layout ----

    @Test
    void colaHasNoHeaderAndMayLackTheFinalNewline() throws IOException {
        String rows = "gj04\t1\t\tThe sailors rode the breeze clear of the rocks.\n"
                + "gj04\t0\t*\tThe more does Bill smoke, the more Susan hates him.";
        writeRaw(GlueTask.COLA, "dev", rows.getBytes(StandardCharsets.UTF_8));
        GlueSplitData dev = reader().read(GlueTask.COLA, "dev");
        assertEquals(2, dev.size());
        assertEquals(GlueExample.classification("dev-1", "The sailors rode the breeze clear of the rocks.", null, 1),
                dev.examples().get(0));
        assertEquals("The more does Bill smoke, the more Susan hates him.", dev.examples().get(1).textA());
        assertEquals(List.of(1, 0), List.of(dev.labels()[0], dev.labels()[1]));
        assertTrue(dev.skippedLines().isEmpty());
    }

    @Test
    void sst2KeepsTextExactly() throws IOException {
        write(GlueTask.SST2, "train", "sentence\tlabel", "hide new secretions from the parental units \t0",
                "the greatest musicians \t1");
        GlueSplitData train = reader().read(GlueTask.SST2, "train");
        assertEquals("hide new secretions from the parental units ", train.examples().get(0).textA());
        assertEquals("train-3", train.examples().get(1).guid());
        assertFalse(train.examples().get(0).hasTextB());
    }

    @Test
    void mrpcHeaderByteOrderMarkAndRawQuotes() throws IOException {
        write(GlueTask.MRPC, "train", "\uFEFFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String",
                "1\t702876\t702977\tAmrozi accused his brother , whom he called \" the witness \" .\t\" Referring to him",
                "0\t2108705\t2108831\tYucaipa owned Dominick 's .\tYucaipa bought Dominick 's in 1995 .");
        GlueSplitData train = reader().read(GlueTask.MRPC, "train");
        assertEquals(2, train.size());
        GlueExample first = train.examples().get(0);
        assertEquals("Amrozi accused his brother , whom he called \" the witness \" .", first.textA());
        assertEquals("\" Referring to him", first.textB());
        assertEquals(1, first.label());
        assertEquals(0, train.examples().get(1).label());
    }

    @Test
    void stsbScoresAreFloats() throws IOException {
        write(GlueTask.STSB, "dev", STSB_HEADER,
                "0\tmain-captions\tMSRvid\t2012test\t0000\tnone\tnone\tA man is dancing.\tA man dances.\t5.000",
                "1\tmain-news\theadlines\t2013\t0001\tnone\tnone\tOne.\tTwo.\t0.400",
                "2\tmain-news\theadlines\t2013\t0002\tnone\tnone\tThree.\tFour.\t0");
        GlueSplitData dev = reader().read(GlueTask.STSB, "dev");
        assertEquals(GlueExample.regression("dev-0", "A man is dancing.", "A man dances.", 5.0f), dev.examples().get(0));
        assertEquals(0.4, dev.scores()[1], 1e-6);
        assertEquals(GlueExample.NO_LABEL, dev.examples().get(2).label());
        assertThrows(IllegalStateException.class, dev::labels);
    }

    @Test
    void qqpSkipsShortRowsAndCountsThem() throws IOException {
        write(GlueTask.QQP, "train", "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate",
                "133273\t213221\t213222\tHow is the life of a math student?\tWhich level of prepration is enough?\t0",
                "201841\t303951\t174364\tHow can I create an Android app?\tWhy is it so",
                "\tWas Muhammad a real historical figure?\t0",
                "402555\t536040\t536041\tHow do I get rid of stress?\tHow can I stop feeling stressed?\t1");
        GlueSplitData train = reader().read(GlueTask.QQP, "train");
        assertEquals(2, train.size());
        assertEquals(List.of(3, 4), train.skippedLines());
        assertEquals("train-402555", train.examples().get(1).guid());
        assertEquals(1, train.examples().get(1).label());
    }

    @Test
    void mnliReadsTrainAndBothDevSets() throws IOException {
        String parses = "\t( a )\t( b )\t(ROOT a)\t(ROOT b)";
        write(GlueTask.MNLI, "train", MNLI_HEAD + "\tlabel1\tgold_label",
                "0\t31193\t31193n\tgovernment" + parses
                        + "\tConceptually cream skimming.\tProduct and geography.\tneutral\tneutral");
        String devHeader = MNLI_HEAD + "\tlabel1\tlabel2\tlabel3\tlabel4\tlabel5\tgold_label";
        String devRow = "\t63735\t63735n\tslate" + parses
                + "\tThe new rights are nice enough\tEveryone really likes the newest benefits \tneutral\tentailment"
                + "\tneutral\tneutral\tneutral\tneutral";
        write(GlueTask.MNLI, "dev_matched", devHeader, "0" + devRow);
        write(GlueTask.MNLI, "dev_mismatched", devHeader, "0" + devRow.replace("neutral\tneutral\tneutral\tneutral",
                "contradiction\tcontradiction\tcontradiction\tcontradiction"));
        assertEquals(2, reader().read(GlueTask.MNLI, "train").examples().get(0).label());
        GlueExample matched = reader().read(GlueTask.MNLI, "dev_matched").examples().get(0);
        assertEquals("dev_matched-0", matched.guid());
        assertEquals("Everyone really likes the newest benefits ", matched.textB());
        assertEquals(2, matched.label());
        assertEquals(0, reader().read(GlueTask.MNLI, "dev_mismatched").examples().get(0).label());
        assertThrows(IllegalArgumentException.class, () -> reader().read(GlueTask.MNLI, "dev"));
    }

    @Test
    void unbalancedQuotesDoNotMergeRows() throws IOException {
        write(GlueTask.RTE, "train", PAIR_HEADER,
                "2164\t\"That film wasn't too successful, but then 'WarGames,' came out."
                        + "\tWarGames was a success.\tentailment",
                "2165\tA second premise.\tA \"quoted\" hypothesis.\tnot_entailment");
        GlueSplitData train = reader().read(GlueTask.RTE, "train");
        assertEquals(2, train.size());
        assertEquals("\"That film wasn't too successful, but then 'WarGames,' came out.",
                train.examples().get(0).textA());
        assertEquals(List.of(0, 1), List.of(train.labels()[0], train.labels()[1]));
    }

    @Test
    void windowsLineEndingsAreAccepted() throws IOException {
        writeRaw(GlueTask.WNLI, "dev", (PAIR_HEADER + "\r\n0\tThe drain is clogged.\tThe hair is.\t0\r\n")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(0, reader().read(GlueTask.WNLI, "dev").labels()[0]);
    }

    @Test
    void qnliLabelsAreWords() throws IOException {
        write(GlueTask.QNLI, "dev", "index\tquestion\tsentence\tlabel",
                "0\tWhat came into force?\tThe constitution came into force.\tentailment",
                "1\tWhat is the first city?\tThe tributaries are the Ill and the Main.\tnot_entailment");
        GlueSplitData dev = reader().read(GlueTask.QNLI, "dev");
        assertEquals("What came into force?", dev.examples().get(0).textA());
        assertEquals(1, dev.examples().get(1).label());
    }

    @Test
    void testSplitsAreUnlabelled() throws IOException {
        write(GlueTask.COLA, "test", "index\tsentence", "0\tBill whistled past the house.");
        write(GlueTask.SST2, "test", "index\tsentence", "0\tuneasy mishmash of styles and genres .");
        write(GlueTask.MRPC, "test", "index\t#1 ID\t#2 ID\t#1 String\t#2 String", "1\t1089874\t1089925\tA .\tB .");
        write(GlueTask.STSB, "test", STSB_HEADER.replace("\tscore", ""),
                "0\tmain-captions\tMSRvid\t2012test\t0024\tnone\tnone\tA girl is styling her hair.\tA girl is brushing.");
        write(GlueTask.QQP, "test", "id\tquestion1\tquestion2", "0\tWhy?\tHow?");
        write(GlueTask.MNLI, "test_mismatched", MNLI_HEAD, "0\t1\t1c\tletters\t(a)\t(b)\t(a)\t(b)\tYour gift.\tA gift.");
        write(GlueTask.QNLI, "test", "index\tquestion\tsentence", "0\tWhat?\tThat.");
        write(GlueTask.RTE, "test", "index\tsentence1\tsentence2", "0\tMaria wrote.\tMaria is a writer.");
        write(GlueTask.WNLI, "test", "index\tsentence1\tsentence2", "0\tThe cat sat.\tIt sat.");
        for (GlueTask task : GlueTask.values()) {
            String split = task.testSplits().get(task.testSplits().size() - 1);
            GlueSplitData test = reader().read(task, split);
            GlueExample example = test.examples().get(0);
            assertFalse(test.isLabelled(), task.name());
            assertFalse(example.isLabelled(), task.name());
            assertEquals(task.isPair(), example.hasTextB(), task.name());
            assertTrue(example.guid().startsWith(split + "-"), example.guid());
        }
        assertEquals("test-1", reader().read(GlueTask.MRPC, "test").examples().get(0).guid());
        assertNull(reader().read(GlueTask.SST2, "test").examples().get(0).textB());
        assertThrows(IllegalStateException.class, () -> reader().read(GlueTask.RTE, "test").labels());
    }

    // ---- one malformed file per error ----

    @Test
    void missingFileNamesTaskSplitAndPath() {
        MalformedGlueFileException e =
                assertThrows(MalformedGlueFileException.class, () -> reader().read(GlueTask.QNLI, "train"));
        assertProblem(e, 0, "QNLI split 'train'");
        assertTrue(e.getMessage().contains(glueDir.resolve("QNLI").resolve("train.tsv").toAbsolutePath().toString()));
        assertFalse(reader().exists(GlueTask.QNLI, "train"));
    }

    @Test
    void wrongColumnCount() throws IOException {
        MalformedGlueFileException e = malformed(GlueTask.RTE, "dev", PAIR_HEADER,
                "0\tA premise.\tA hypothesis.\tentailment", "1\tA premise.\tentailment");
        assertProblem(e, 3, "found 3 columns, expected 4 tab-separated columns");
    }

    @Test
    void tooManyColumnsInColaOrQqp() throws IOException {
        assertProblem(malformed(GlueTask.COLA, "train", "gj04\t1\t\tFine.\textra"), 1, "found 5 columns");
        MalformedGlueFileException e = malformed(GlueTask.QQP, "dev", "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate",
                "1\t2\t3\tWhy?\tHow?\t0\t1");
        assertProblem(e, 2, "found 7 columns");
    }

    @Test
    void blankLine() throws IOException {
        assertProblem(malformed(GlueTask.SST2, "dev", "sentence\tlabel", "good .\t1", "", "bad .\t0"),
                3, "found a blank line");
        // QQP skips short rows, but a blank line is not a row.
        assertProblem(malformed(GlueTask.QQP, "dev", "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate", ""),
                2, "blank line");
    }

    @Test
    void shortMrpcRowIsAnErrorNotASkip() throws IOException {
        MalformedGlueFileException e = malformed(GlueTask.MRPC, "dev", "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String",
                "1\t1355540\t1355592\tHe said .\tHe says .", "0\t2029631\t2029565\tMagnarelli said .");
        assertProblem(e, 3, "found 4 columns");
    }

    @Test
    void unknownLabel() throws IOException {
        MalformedGlueFileException e = malformed(GlueTask.QNLI, "dev", "index\tquestion\tsentence\tlabel",
                "0\tWhat?\tThat.\tentailed");
        assertProblem(e, 2, "unknown label 'entailed' in column 4 'label'; QNLI labels are [entailment, not_entailment]");
        assertProblem(malformed(GlueTask.COLA, "dev", "gj04\t2\t\tFine."), 1, "unknown label '2' in column 2 'label'");
        assertProblem(malformed(GlueTask.SST2, "dev", "sentence\tlabel", "good .\t1 "), 2, "unknown label '1 '");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "NaN", "Infinity", "-1.0", "4e0", "0x1p2", "", " 3.2"})
    void nonNumericScore(String score) throws IOException {
        MalformedGlueFileException e = malformed(GlueTask.STSB, "train", STSB_HEADER,
                "0\tmain-captions\tMSRvid\t2012test\t0001\tnone\tnone\tA plane.\tAn air plane.\t" + score);
        assertProblem(e, 2, "score '" + score + "' in column 10 'score' is not a decimal number");
    }

    @Test
    void scoreOutOfRange() throws IOException {
        MalformedGlueFileException e = malformed(GlueTask.STSB, "train", STSB_HEADER,
                "0\tmain-captions\tMSRvid\t2012test\t0001\tnone\tnone\tA plane.\tAn air plane.\t5.5");
        assertProblem(e, 2, "score 5.5 in column 10 'score' is outside [0.0, 5.0]");
    }

    @Test
    void emptySentence() throws IOException {
        assertProblem(malformed(GlueTask.SST2, "train", "sentence\tlabel", " \t1"), 2,
                "empty sentence in column 1 'sentence'");
        assertProblem(malformed(GlueTask.WNLI, "train", PAIR_HEADER, "0\tThe cat sat.\t\t1"), 2,
                "empty sentence in column 3 'sentence2'");
        assertProblem(malformed(GlueTask.COLA, "train", "gj04\t1\t\t"), 1, "empty sentence in column 4 'sentence'");
    }

    @Test
    void missingHeaderIsCaughtNotSilentlyEatingARow() throws IOException {
        MalformedGlueFileException e = malformed(GlueTask.RTE, "train",
                "0\tNo Weapons Found.\tWeapons Found.\tnot_entailment", "1\tA.\tB.\tentailment");
        assertProblem(e, 1, "header column 1 is '0', expected 'index' (is the header line missing?)");
    }

    @Test
    void headerWithWrongColumnCount() throws IOException {
        assertProblem(malformed(GlueTask.STSB, "dev", "index\tsentence1\tsentence2\tscore"), 1,
                "header has 4 columns, expected 10 tab-separated columns");
    }

    @Test
    void emptyFile() throws IOException {
        writeRaw(GlueTask.WNLI, "train", new byte[0]);
        MalformedGlueFileException e =
                assertThrows(MalformedGlueFileException.class, () -> reader().read(GlueTask.WNLI, "train"));
        assertProblem(e, 0, "file is empty");
    }

    @Test
    void invalidUtf8SaysWhichLine() throws IOException {
        byte[] head = (PAIR_HEADER + "\n0\tFine.\tFine.\t1\n1\tBad ").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ".\tFine.\t0\n".getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, content, 0, head.length);
        content[head.length] = (byte) 0xC3; // a lead byte followed by a non-continuation byte
        content[head.length + 1] = (byte) 0x28;
        System.arraycopy(tail, 0, content, head.length + 2, tail.length);
        writeRaw(GlueTask.WNLI, "train", content);
        MalformedGlueFileException e =
                assertThrows(MalformedGlueFileException.class, () -> reader().read(GlueTask.WNLI, "train"));
        assertProblem(e, 3, "not valid UTF-8");
    }
}
