package ai.spikelm.zoo.corpus;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads a text stream line by line, each line held whole but at most {@code maxChars} long (a longer
 * one is an error naming the file and line, not an out-of-memory), counting line numbers. A line
 * ends at {@code \n}; a {@code \r} before it is dropped.
 */
final class BoundedLines implements Closeable {

    private final BufferedReader reader;
    private final String name;
    private final int maxChars;
    private final StringBuilder line = new StringBuilder();
    private long lineNumber;

    BoundedLines(Reader reader, String name, int maxChars) {
        this.reader = new BufferedReader(reader);
        this.name = name;
        this.maxChars = maxChars;
    }

    /** Returns the next line, or null at the end. */
    String next() throws IOException {
        line.setLength(0);
        int c;
        while ((c = reader.read()) >= 0 && c != '\n') {
            if (line.length() == maxChars) {
                lineNumber++;
                throw error("longer than " + maxChars + " characters");
            }
            line.append((char) c);
        }
        if (c < 0 && line.length() == 0) {
            return null;
        }
        lineNumber++;
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        return line.substring(0, end);
    }

    /** Returns the 1-based number of the line last read. */
    long lineNumber() {
        return lineNumber;
    }

    /** An error at the line last read. */
    CorpusException error(String what) {
        return new CorpusException(name + ": line " + lineNumber + ": " + what);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
