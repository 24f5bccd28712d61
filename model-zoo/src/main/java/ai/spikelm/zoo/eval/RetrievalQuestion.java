package ai.spikelm.zoo.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A question of a retrieval set with a phrase of the passage that answers it: a retrieved passage
 * answers the question when it contains the phrase (case and runs of white space ignored).
 *
 * <p>Sets are TSV files, one {@code question<TAB>phrase} a line; blank lines and lines starting
 * with {@code #} are skipped. {@link #sample()} is the set over the embedded sample text.
 *
 * @param question the question
 * @param answer a phrase of the answering passage
 */
public record RetrievalQuestion(String question, String answer) {

    /** The class-path resource of the questions over the embedded sample text. */
    public static final String SAMPLE_RESOURCE = "/ai/spikelm/zoo/eval/sample-questions.tsv";

    /**
     * Checks the question.
     *
     * @param question the question, not blank
     * @param answer the answer phrase, not blank
     * @throws IllegalArgumentException if either is blank
     */
    public RetrievalQuestion {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
        if (question.isBlank() || answer.isBlank()) {
            throw new IllegalArgumentException("a retrieval question needs a question and an answer phrase");
        }
    }

    /**
     * Returns whether a passage answers this question.
     *
     * @param passage the passage text
     * @return whether it contains the answer phrase
     */
    public boolean isAnsweredBy(String passage) {
        return normalize(passage).contains(normalize(answer));
    }

    private static String normalize(String text) {
        return text.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the eight questions over the embedded sample text.
     *
     * @return the questions
     */
    public static List<RetrievalQuestion> sample() {
        try (InputStream in = RetrievalQuestion.class.getResourceAsStream(SAMPLE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing from the class path: " + SAMPLE_RESOURCE);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), SAMPLE_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a TSV file of questions.
     *
     * @param file the file
     * @return the questions, at least one
     * @throws IOException if the file cannot be read, is not UTF-8 or has a malformed line (the
     *     message names the file and line)
     */
    public static List<RetrievalQuestion> read(Path file) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not UTF-8 text", e);
        }
        try {
            return parse(text, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static List<RetrievalQuestion> parse(String text, String source) {
        List<RetrievalQuestion> questions = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t", -1);
            if (cols.length != 2 || cols[0].isBlank() || cols[1].isBlank()) {
                throw new IllegalArgumentException(source + " line " + (i + 1)
                        + ": expected question<TAB>answer phrase, got " + cols.length + " column(s)");
            }
            questions.add(new RetrievalQuestion(cols[0].strip(), cols[1].strip()));
        }
        if (questions.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no questions");
        }
        return questions;
    }
}
