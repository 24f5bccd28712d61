package ai.spikelm.zoo.corpus;

import java.text.BreakIterator;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;

/**
 * Turns a paragraph into passages: English sentences ({@link BreakIterator}), those excluded
 * dropped, grouped in order into passages of at most {@code maxChars}; a sentence longer than that
 * is cut at a space near the limit. Passages shorter than {@code minChars} or excluded are dropped.
 */
final class PassageSplitter {

    private final int minChars;
    private final int maxChars;
    private final Set<String> excluded;
    private final BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    private final StringBuilder passage = new StringBuilder();

    /**
     * Creates the splitter.
     *
     * @param minChars the shortest passage kept
     * @param maxChars the longest passage
     * @param excluded normalised texts ({@link TextCorpus#normalize}) to drop as sentences or passages
     */
    PassageSplitter(int minChars, int maxChars, Set<String> excluded) {
        this.minChars = minChars;
        this.maxChars = maxChars;
        this.excluded = excluded;
    }

    /**
     * Splits a paragraph.
     *
     * @param paragraph text with whitespace collapsed to single spaces
     * @param out receives the passages, in order
     */
    void split(String paragraph, Queue<String> out) {
        sentences.setText(paragraph);
        for (int start = sentences.first(), end = sentences.next();
                end != BreakIterator.DONE;
                start = end, end = sentences.next()) {
            String sentence = paragraph.substring(start, end).trim();
            if (sentence.isEmpty() || isExcluded(sentence)) {
                continue;
            }
            if (passage.length() > 0 && passage.length() + 1 + sentence.length() > maxChars) {
                emit(out);
            }
            while (sentence.length() > maxChars) {
                int cut = cutPoint(sentence, maxChars);
                passage.append(sentence, 0, cut);
                emit(out);
                sentence = sentence.substring(cut).trim();
            }
            if (passage.length() > 0) {
                passage.append(' ');
            }
            passage.append(sentence);
        }
        emit(out);
    }

    private void emit(Queue<String> out) {
        String text = passage.toString().trim();
        passage.setLength(0);
        if (text.length() >= minChars && !isExcluded(text)) {
            out.add(text);
        }
    }

    private boolean isExcluded(String text) {
        return !excluded.isEmpty() && excluded.contains(TextCorpus.normalize(text));
    }

    /**
     * Returns where to cut text that is longer than {@code max} so the head fits: at the last space
     * at or before {@code max} if that keeps more than half, else at {@code max} (one less if that
     * would split a surrogate pair).
     *
     * @param text text longer than {@code max}
     * @param max the longest head
     * @return the head's length, in (max / 2, max]
     */
    static int cutPoint(CharSequence text, int max) {
        for (int i = max; i > max / 2; i--) {
            if (text.charAt(i) == ' ') {
                return i;
            }
        }
        return Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    }

    /**
     * Whether a char counts as whitespace: Java whitespace, Unicode space separators (no-break
     * spaces) and the byte-order mark.
     *
     * @param c the char
     * @return whether it separates words
     */
    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\uFEFF';
    }
}
