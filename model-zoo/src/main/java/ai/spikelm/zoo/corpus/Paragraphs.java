package ai.spikelm.zoo.corpus;

import java.io.IOException;
import java.io.Reader;

/**
 * Cuts a stream of text into paragraphs: runs of lines separated by blank lines, with whitespace
 * collapsed to single spaces. Memory is bounded whatever the input: a run longer than {@link
 * #MAX_CHARS} (say a whole book on one line) is cut at a space and returned in pieces.
 */
final class Paragraphs {

    /** The longest paragraph returned. */
    static final int MAX_CHARS = 1 << 16;

    private final Reader reader;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private final StringBuilder paragraph = new StringBuilder();
    /** Whether the current line has only whitespace so far. */
    private boolean lineBlank = true;

    Paragraphs(Reader reader) {
        this.reader = reader;
    }

    /**
     * Returns the next paragraph.
     *
     * @return a non-empty paragraph without leading or trailing space, or {@code null} at the end
     * @throws IOException if the reader fails
     */
    String next() throws IOException {
        while (true) {
            if (position == limit) {
                limit = Math.max(reader.read(buffer, 0, buffer.length), 0);
                position = 0;
                if (limit == 0) {
                    return paragraph.length() == 0 ? null : take(paragraph.length());
                }
            }
            char c = buffer[position++];
            if (c == '\n') {
                if (lineBlank && paragraph.length() > 0) {
                    return take(paragraph.length());
                }
                lineBlank = true;
                appendSpace();
            } else if (PassageSplitter.isSpace(c)) {
                appendSpace();
            } else {
                lineBlank = false;
                paragraph.append(c);
                if (paragraph.length() > MAX_CHARS) {
                    return take(PassageSplitter.cutPoint(paragraph, MAX_CHARS));
                }
            }
        }
    }

    private void appendSpace() {
        // The paragraph never starts with a space, so a non-empty one has text.
        int n = paragraph.length();
        if (n > 0 && paragraph.charAt(n - 1) != ' ') {
            paragraph.append(' ');
        }
    }

    /** Removes and returns the first {@code end} chars, trimmed. */
    private String take(int end) {
        String head = paragraph.substring(0, end).trim();
        paragraph.delete(0, end);
        if (paragraph.length() > 0 && paragraph.charAt(0) == ' ') {
            paragraph.deleteCharAt(0);
        }
        return head;
    }
}
