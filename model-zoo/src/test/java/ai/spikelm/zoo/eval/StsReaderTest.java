package ai.spikelm.zoo.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StsEvaluator#readGlueStsb}: the GLUE STS-B layout, and a clear error for every malformed file. */
class StsReaderTest {

    private static final String HEADER = "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore";

    private static String row(String sentence1, String sentence2, String score) {
        return "0\tmain-captions\tMSRvid\t2012test\t0000\tnone\tnone\t" + sentence1 + "\t" + sentence2 + "\t" + score;
    }

    private static Path write(Path dir, String content) throws IOException {
        return Files.writeString(dir.resolve("sts.tsv"), content, StandardCharsets.UTF_8);
    }

    private static String error(Path file) {
        return assertThrows(IOException.class, () -> StsEvaluator.readGlueStsb(file)).getMessage();
    }

    @Test
    void readsPairsWithBomCrlfAndQuotes(@TempDir Path dir) throws IOException {
        Path file = write(dir, "\uFEFF" + HEADER + "\r\n"
                + row("A \"quoted\" man is dancing.", "A man dances. ", "5.000") + "\r\n"
                + row("A child rides.", "Nobody rides", "0.4") + "\n"
                + row("x", "y", "3") + "\n");
        List<StsPair> pairs = StsEvaluator.readGlueStsb(file);
        assertEquals(3, pairs.size());
        assertEquals(new StsPair("A \"quoted\" man is dancing.", "A man dances. ", 5.0), pairs.get(0));
        assertEquals(0.4, pairs.get(1).score());
        assertEquals(new StsPair("x", "y", 3.0), pairs.get(2));
    }

    @Test
    void malformedFilesNameTheFileAndLine(@TempDir Path dir) throws IOException {
        String good = row("a", "b", "1.0");
        Path missing = dir.resolve("absent.tsv");
        assertTrue(error(missing).startsWith(missing + ": no such file"), error(missing));

        Path file = write(dir, "");
        assertTrue(error(file).startsWith(file + ": file is empty"), error(file));
        write(dir, HEADER + "\n");
        assertEquals(file + ": no sentence pairs after the header", error(file));
        write(dir, good + "\n" + good + "\n");
        assertTrue(error(file).startsWith(file + ":1: header column 8 is 'a', expected 'sentence1' (is the header line missing?)"), error(file));
        write(dir, "sentence1\tsentence2\tscore\n" + good + "\n");
        assertTrue(error(file).startsWith(file + ":1: header has 3 columns"), error(file));
        write(dir, HEADER + "\n" + good + "\n" + "1\t2\t3\ta\tb\t1.0\n");
        assertTrue(error(file).startsWith(file + ":3: found 6 columns; expected the GLUE STS-B layout"), error(file));
        write(dir, HEADER + "\n" + good + "\n\n" + good + "\n");
        assertTrue(error(file).startsWith(file + ":3: found a blank line"), error(file));
        write(dir, HEADER + "\n" + row("a", " ", "2") + "\n");
        assertEquals(file + ":2: empty sentence in column 9", error(file));
        for (String score : new String[] {"high", "", " 3.0", "NaN", "Infinity", "0x1p1", "2d"}) {
            write(dir, HEADER + "\n" + good + "\n" + row("a", "b", score) + "\n");
            assertEquals(file + ":3: score '" + score + "' in column 10 is not a decimal number", error(file), score);
        }
    }

    @Test
    void invalidUtf8IsReportedOnItsLine(@TempDir Path dir) throws IOException {
        byte[] head = (HEADER + "\n" + row("a", "b", "1") + "\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] bad = row("caf\u00e9", "b", "1").getBytes(StandardCharsets.ISO_8859_1); // é as one Latin-1 byte
        Path file = dir.resolve("latin1.tsv");
        Files.write(file, concat(head, bad));
        assertEquals(file + ":3: not valid UTF-8", error(file));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void readsTheRealDevSplit() throws IOException {
        Path dev = Path.of(System.getProperty("glue.dir", "../../shared/glue"), "STS-B", "dev.tsv");
        assumeTrue(Files.isRegularFile(dev), "no STS-B dev at " + dev.toAbsolutePath() + "; set -Dglue.dir");
        List<StsPair> pairs = StsEvaluator.readGlueStsb(dev);
        assertEquals(1500, pairs.size());
        assertEquals(new StsPair("A man with a hard hat is dancing.", "A man wearing a hard hat is dancing.", 5.0), pairs.get(0));
        assertEquals(
                new StsPair("New video shows US police officers beating mentally-ill man",
                        "New York police officer critically wounded in hatchet attack", 0.0),
                pairs.get(1499));
        assertTrue(pairs.stream().allMatch(p -> p.score() >= 0 && p.score() <= 5));
    }
}
