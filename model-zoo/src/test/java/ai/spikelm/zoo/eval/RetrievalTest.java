package ai.spikelm.zoo.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.core.CalibrationSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrievalTest {

    @Test
    void scoresRanksByHand() {
        // ranks 1, 3, none, 2 of depth 3: hit@1 1/4, hit@3 3/4, MRR (1 + 1/3 + 0 + 1/2) / 4
        RetrievalResult r = RetrievalResult.of(List.of(1, 3, 0, 2), 3);
        assertEquals(4, r.questions());
        assertEquals(0.25, r.hitAt1(), 1e-12);
        assertEquals(0.75, r.hitAtDepth(), 1e-12);
        assertEquals((1 + 1.0 / 3 + 0.5) / 4, r.mrr(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> RetrievalResult.of(List.of(4), 3));
        assertThrows(IllegalArgumentException.class, () -> RetrievalResult.of(List.of(), 3));
    }

    @Test
    void everySampleQuestionIsAnsweredByExactlyOneSampleLine() {
        List<RetrievalQuestion> questions = RetrievalQuestion.sample();
        assertEquals(8, questions.size());
        List<String> lines = CalibrationSet.sampleLines();
        for (RetrievalQuestion q : questions) {
            assertEquals(1, lines.stream().filter(q::isAnsweredBy).count(), q.toString());
        }
        RetrievalQuestion q = new RetrievalQuestion("?", "Two  Cups of\nflour");
        assertTrue(q.isAnsweredBy("add two cups of flour"));
        assertFalse(q.isAnsweredBy("two cups of sugar"));
    }

    @Test
    void badFilesNameTheFileAndLine(@TempDir Path dir) throws IOException {
        Path ok = Files.writeString(dir.resolve("q.tsv"), "# comment\n\nWho?\tMe\n");
        assertEquals(List.of(new RetrievalQuestion("Who?", "Me")), RetrievalQuestion.read(ok));
        Path bad = Files.writeString(dir.resolve("bad.tsv"), "Who?\tMe\nno tab here\n");
        IOException e = assertThrows(IOException.class, () -> RetrievalQuestion.read(bad));
        assertTrue(e.getMessage().contains("bad.tsv line 2"), e.getMessage());
        Path empty = Files.writeString(dir.resolve("empty.tsv"), "# nothing\n");
        assertTrue(assertThrows(IOException.class, () -> RetrievalQuestion.read(empty)).getMessage().contains("empty.tsv"));
        Path latin1 = Files.write(dir.resolve("latin1.tsv"), new byte[] {'a', '\t', (byte) 0xE9});
        assertTrue(assertThrows(IOException.class, () -> RetrievalQuestion.read(latin1)).getMessage().contains("UTF-8"));
    }
}
