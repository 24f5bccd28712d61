package ai.spikelm.zoo.corpus;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One text per line, streamed: the non-blank lines of a UTF-8 file or stream, or the text field of
 * each record of a JSONL file. Nothing is read ahead beyond the next text, so any number of lines
 * takes bounded memory; a line is held whole, and one longer than {@value #MAX_LINE} characters is
 * an error. Bytes that are not UTF-8 and malformed JSONL are {@link CorpusException}s naming the
 * file, the line and (for UTF-8) the byte. Texts are returned as written, without the line end.
 *
 * <pre>{@code
 * try (TextLines lines = TextLines.open(Path.of("texts.jsonl"), "text")) {
 *     while (lines.hasNext()) {
 *         String text = lines.next();
 *         long line = lines.lineNumber();    // where it came from, 1-based
 *     }
 * }
 * }</pre>
 */
public final class TextLines implements Iterator<String>, Closeable {

    /** The longest line read, in characters. */
    public static final int MAX_LINE = Source.MAX_JSON_LINE;

    private final BoundedLines plain;
    private final Source.JsonLines json;
    private String next;
    private long nextLine;
    private long lineNumber;

    private TextLines(InputStream in, String name, String jsonField) {
        Utf8Reader reader = new Utf8Reader(in, name);
        this.plain = jsonField == null ? new BoundedLines(reader, name, MAX_LINE) : null;
        this.json = jsonField == null ? null : new Source.JsonLines(reader, name, jsonField);
    }

    /**
     * Opens a file: one text per non-blank line, or, with a JSON field, one per JSONL record.
     *
     * @param file the file
     * @param jsonField the field that holds the text of a JSONL record, or null for plain lines
     * @return the lines; close them when done
     * @throws IOException if the file cannot be opened
     */
    public static TextLines open(Path file, String jsonField) throws IOException {
        return new TextLines(Files.newInputStream(file), file.toString(), jsonField);
    }

    /**
     * Reads a stream (standard input, say) the same way.
     *
     * @param in the bytes; closed with the lines
     * @param name the name used in errors
     * @param jsonField the field that holds the text of a JSONL record, or null for plain lines
     * @return the lines
     */
    public static TextLines of(InputStream in, String name, String jsonField) {
        return new TextLines(in, name, jsonField);
    }

    /**
     * Returns whether there is another text.
     *
     * @return true if {@link #next} has one
     * @throws CorpusException if the input is not UTF-8, a line is too long or a JSONL record is
     *     malformed, naming the file and line
     * @throws UncheckedIOException if reading fails
     */
    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        try {
            if (json != null) {
                next = json.nextText();
                nextLine = json.lineNumber();
            } else {
                String line;
                while ((line = plain.next()) != null && line.isBlank()) {
                    // blank lines separate nothing here: skipped
                }
                next = line;
                nextLine = plain.lineNumber();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return next != null;
    }

    /** {@inheritDoc} */
    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String text = next;
        next = null;
        lineNumber = nextLine;
        return text;
    }

    /**
     * Returns the 1-based line number of the text {@link #next} returned last.
     *
     * @return the line number, 0 before the first text
     */
    public long lineNumber() {
        return lineNumber;
    }

    /** Closes the input. */
    @Override
    public void close() throws IOException {
        if (json != null) {
            json.close();
        } else {
            plain.close();
        }
    }
}
