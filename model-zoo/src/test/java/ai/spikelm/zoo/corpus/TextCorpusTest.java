package ai.spikelm.zoo.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {

    @Test
    void splitsParagraphsIntoSentenceGroupsOfAtMostMaxChars(@TempDir Path dir) throws IOException {
        // 33 + 1 + 26 = 60 chars fit in 64; the third sentence (40) does not fit with them. "Tiny." is
        // shorter than minChars. The 74-char sentence is cut at its last space before index 64 (54).
        Path file =
                write(dir, "a.txt",
                        "The  first sentence is right here.\nIt continues\ton this line.\n"
                                + "A third sentence starts another passage.\n\n   \n"
                                + "Tiny.\n\n"
                                + "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggg\n");
        TextCorpus corpus =
                TextCorpus.builder().addPath(file).optMinChars(8).optMaxChars(64).optShuffleBuffer(1).build();
        List<String> passages = take(corpus.passages(0), 5);
        assertEquals(
                List.of(
                        "The first sentence is right here. It continues on this line.",
                        "A third sentence starts another passage.",
                        "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee",
                        "ffffffffff gggggggg",
                        // the second pass starts again (one source, so the same order)
                        "The first sentence is right here. It continues on this line."),
                passages);
    }

    @Test
    void sameSeedSameSequenceOtherSeedOtherOrder(@TempDir Path dir) throws IOException {
        for (int f = 0; f < 5; f++) {
            StringBuilder text = new StringBuilder();
            for (int s = 0; s < 40; s++) {
                text.append("File ").append(f).append(" says sentence number ").append(s).append(".\n\n");
            }
            write(dir, "f" + f + ".txt", text.toString());
        }
        TextCorpus corpus = TextCorpus.builder().addPath(dir).optShuffleBuffer(50).build();
        List<String> a = take(corpus.passages(7), 1000);
        assertEquals(a, take(corpus.passages(7), 1000));
        List<String> b = take(corpus.passages(8), 1000);
        assertNotEquals(a, b);
        // Both seeds draw from the same 200 passages, and reach all of them.
        assertEquals(200, new HashSet<>(a).size());
        assertEquals(new HashSet<>(a), new HashSet<>(b));
    }

    @Test
    void foldersJsonlAndTextsInterleave(@TempDir Path dir) throws IOException {
        Path folder = dir.resolve("docs");
        StringBuilder alpha = new StringBuilder();
        StringBuilder beta = new StringBuilder();
        StringBuilder gamma = new StringBuilder();
        List<String> delta = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            alpha.append("Alpha passage number ").append(i).append(".\n\n");
            beta.append("Beta passage number ").append(i).append(".\n\n");
            gamma.append("{\"id\": ").append(i).append(", \"body\": \"Gamma passage number ").append(i).append(".\"}\n");
            delta.add("Delta passage number " + i + ".");
        }
        write(folder, "a.txt", alpha.toString());
        write(folder.resolve("sub"), "b.md", beta.toString());
        write(folder, ".hidden.txt", "Hidden passage that must never appear.\n");
        write(folder.resolve(".git"), "config", "Hidden folder passage that must never appear.\n");
        Path jsonl = write(dir, "c.jsonl", gamma.toString());
        TextCorpus corpus =
                TextCorpus.builder()
                        .addPath(folder)
                        .addPath(jsonl)
                        .optJsonField("body")
                        .addTexts("delta", delta)
                        .optShuffleBuffer(200)
                        .build();
        List<String> passages = take(corpus.passages(1), 800);
        Set<String> kinds = new HashSet<>();
        int switches = 0;
        for (int i = 0; i < passages.size(); i++) {
            String kind = passages.get(i).split(" ")[0];
            kinds.add(kind);
            if (i > 0 && !kind.equals(passages.get(i - 1).split(" ")[0])) {
                switches++;
            }
        }
        assertEquals(Set.of("Alpha", "Beta", "Gamma", "Delta"), kinds);
        // Read one source after another, there would be about 8 switches in 800 passages; the shuffle
        // buffer (two sources' worth) mixes them, switching about every other passage.
        assertTrue(switches > 200, "only " + switches + " source switches");
    }

    @Test
    void excludedSentencesAndPassagesAreDroppedAfterNormalisation(@TempDir Path dir) throws IOException {
        Path file =
                write(dir, "a.txt",
                        "Kept sentence number one. The  CAT sat\non the mat. Kept sentence number two.\n\n"
                                + "  a Whole   excluded passage.\n\nAnother kept passage.\n");
        TextCorpus corpus =
                TextCorpus.builder()
                        .addPath(file)
                        .addTexts(
                                "train",
                                List.of(
                                        "the cat sat on the mat.",
                                        "A train sentence that stays.",
                                        "two sentences HERE.  Both excluded together."))
                        .optExclude(
                                List.of(
                                        "the cat sat on the mat.",
                                        "A WHOLE excluded passage.",
                                        "Two sentences here. Both excluded together."))
                        .optShuffleBuffer(1)
                        .build();
        Set<String> seen = new HashSet<>(take(corpus.passages(3), 50));
        assertEquals(
                Set.of(
                        "Kept sentence number one. Kept sentence number two.",
                        "Another kept passage.",
                        "A train sentence that stays."),
                seen);
        assertEquals("the cat sat on the mat.", TextCorpus.normalize("  The\tCAT sat\n\non the\u00A0mat. "));
    }

    @Test
    void tenMegabytesOnOneLineStreamInBoundedMemory(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("one-line.txt");
        Random random = new Random(5);
        long chars = 0;
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            while (chars < 10_000_000) {
                // Sentences of 1 to 300 words; the long ones have no break within 600 chars.
                int words = 1 + random.nextInt(300);
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < words; i++) {
                    s.append(i == 0 ? "Word" : "word").append(random.nextInt(1000)).append(' ');
                }
                s.setCharAt(s.length() - 1, '.');
                s.append(' ');
                w.write(s.toString());
                chars += s.length();
            }
        }
        assertTrue(Files.size(file) >= 10_000_000);
        TextCorpus corpus = TextCorpus.builder().addPath(file).optShuffleBuffer(100).build();
        Iterator<String> passages = corpus.passages(0);
        long before = usedHeapAfterGc();
        long total = 0;
        long count = 0;
        long peak = 0;
        // One pass is about 10 MB of passages; read past the middle of it, checking memory on the way.
        while (total < 6_000_000) {
            String p = passages.next();
            assertTrue(p.length() <= 600 && p.length() >= 16, "passage of " + p.length() + " chars");
            total += p.length();
            if (++count % 2000 == 0) {
                peak = Math.max(peak, usedHeapAfterGc() - before);
            }
        }
        // Reading the line whole would hold at least 20 MB (10 M chars); the stream holds a 64 K-char
        // paragraph, I/O buffers and 100 passages.
        assertTrue(peak < 8_000_000, "heap grew by " + peak + " bytes while streaming");
        assertTrue(count > 5000, count + " passages");
    }

    @Test
    void invalidUtf8NamesFileByteAndLine(@TempDir Path dir) throws IOException {
        byte[] head = "First good line of text here.\nSecond good line of text.\nThird ".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 10];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xC3; // a lead byte followed by one that is not a continuation
        bytes[head.length + 1] = (byte) 0x28;
        for (int i = head.length + 2; i < bytes.length; i++) {
            bytes[i] = 'x';
        }
        Path file = dir.resolve("latin1.txt");
        Files.write(file, bytes);
        Iterator<String> passages = TextCorpus.builder().addPath(file).build().passages(0);
        CorpusException e = assertThrows(CorpusException.class, passages::next);
        assertEquals(file + ": not valid UTF-8 at byte " + head.length + " (line 3)", e.getMessage());
    }

    @Test
    void malformedJsonlNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path broken = write(dir, "broken.jsonl", "{\"text\": \"A good first record here.\"}\n\n{\"text\": \"unterminated\n");
        CorpusException e =
                assertThrows(CorpusException.class, () -> TextCorpus.builder().addPath(broken).build().passages(0).next());
        assertTrue(e.getMessage().startsWith(broken + ": line 3: not valid JSON"), e.getMessage());

        Path missing = write(dir, "missing.ndjson", "{\"text\": \"A good first record here.\"}\n{\"body\": \"x\"}\n");
        e = assertThrows(CorpusException.class, () -> TextCorpus.builder().addPath(missing).build().passages(0).next());
        assertEquals(missing + ": line 2: no string field \"text\"", e.getMessage());

        Path trailing = write(dir, "trailing.jsonl", "{\"text\": \"A good first record here.\"} {}\n");
        e = assertThrows(CorpusException.class, () -> TextCorpus.builder().addPath(trailing).build().passages(0).next());
        assertTrue(e.getMessage().startsWith(trailing + ": line 1: not valid JSON"), e.getMessage());

        Path array = write(dir, "array.jsonl", "[1, 2]\n");
        e = assertThrows(CorpusException.class, () -> TextCorpus.builder().addPath(array).build().passages(0).next());
        assertEquals(array + ": line 1: not a JSON object", e.getMessage());
    }

    @Test
    void emptyCorpusAndMissingPathsAreNamed(@TempDir Path dir) throws IOException {
        Path shortLines = write(dir, "short.txt", "Hi.\n\nNo.\n");
        TextCorpus corpus = TextCorpus.builder().addPath(shortLines).addTexts("extra", List.of("Ok.")).build();
        CorpusException e = assertThrows(CorpusException.class, () -> corpus.passages(0).next());
        assertTrue(e.getMessage().contains("no passage of at least 16 characters"), e.getMessage());
        assertTrue(e.getMessage().contains(shortLines.toString()) && e.getMessage().contains("extra"), e.getMessage());

        Path absent = dir.resolve("absent.txt");
        IllegalArgumentException missing =
                assertThrows(IllegalArgumentException.class, () -> TextCorpus.builder().addPath(absent).build());
        assertTrue(missing.getMessage().contains(absent.toString()), missing.getMessage());

        Path empty = Files.createDirectories(dir.resolve("empty"));
        write(empty, ".only-hidden", "Hidden passage that must never appear.\n");
        IllegalArgumentException noFile =
                assertThrows(IllegalArgumentException.class, () -> TextCorpus.builder().addPath(empty).build());
        assertTrue(noFile.getMessage().contains(empty.toString()), noFile.getMessage());
    }

    @Test
    void paragraphsOfAnEndlessLineAreReadLazily() throws IOException {
        // A reader that would supply 100 M chars: the first paragraph must come after ~64 K of them.
        long[] supplied = {0};
        java.io.Reader endless =
                new java.io.Reader() {
                    @Override
                    public int read(char[] buf, int off, int len) {
                        for (int i = 0; i < len; i++) {
                            buf[off + i] = (supplied[0] + i) % 7 == 6 ? ' ' : 'x';
                        }
                        supplied[0] += len;
                        return supplied[0] > 100_000_000 ? -1 : len;
                    }

                    @Override
                    public void close() {}
                };
        Paragraphs paragraphs = new Paragraphs(endless);
        String first = paragraphs.next();
        assertTrue(first.length() <= Paragraphs.MAX_CHARS && first.length() > Paragraphs.MAX_CHARS - 7, "" + first.length());
        assertFalse(first.endsWith(" "));
        assertTrue(supplied[0] <= Paragraphs.MAX_CHARS + 8192, supplied[0] + " chars read");
    }

    static List<String> take(Iterator<String> it, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(it.next());
        }
        return out;
    }

    static Path write(Path dir, String name, String text) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static long usedHeapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
