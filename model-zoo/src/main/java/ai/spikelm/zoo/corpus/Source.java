package ai.spikelm.zoo.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

/** Where a corpus's documents come from: a plain text file, a JSONL file or in-memory texts. */
interface Source {

    /** The longest JSONL line read, in chars: a record is parsed whole, so it must be bounded. */
    int MAX_JSON_LINE = 1 << 23;

    /**
     * Returns the name used in errors.
     *
     * @return the file or the name given
     */
    String name();

    /**
     * Opens the documents for one pass.
     *
     * @return the documents
     * @throws IOException if the file cannot be opened
     */
    Documents open() throws IOException;

    /** The documents of one pass, each read as a stream. */
    interface Documents extends Closeable {

        /**
         * Returns the next document.
         *
         * @return its text, or {@code null} after the last
         * @throws IOException if reading fails
         */
        Reader next() throws IOException;
    }

    /**
     * A file: JSONL if its name ends in {@code .jsonl} or {@code .ndjson}, else plain UTF-8 text.
     *
     * @param file the file
     * @param jsonField the field holding the text in JSONL
     * @return the source
     */
    static Source file(Path file, String jsonField) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean jsonl = name.endsWith(".jsonl") || name.endsWith(".ndjson");
        return new Source() {
            @Override
            public String name() {
                return file.toString();
            }

            @Override
            public Documents open() throws IOException {
                Utf8Reader reader = new Utf8Reader(Files.newInputStream(file), file.toString());
                return jsonl ? new JsonLines(reader, file.toString(), jsonField) : single(reader);
            }
        };
    }

    /**
     * In-memory texts.
     *
     * @param name the name used in errors
     * @param texts the texts, iterated once per pass
     * @return the source
     */
    static Source texts(String name, Iterable<String> texts) {
        return new Source() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Documents open() {
                Iterator<String> it = texts.iterator();
                return new Documents() {
                    @Override
                    public Reader next() {
                        if (!it.hasNext()) {
                            return null;
                        }
                        String text = it.next();
                        if (text == null) {
                            throw new CorpusException(name + ": a text is null");
                        }
                        return new StringReader(text);
                    }

                    @Override
                    public void close() {}
                };
            }
        };
    }

    private static Documents single(Reader reader) {
        return new Documents() {
            private boolean given;

            @Override
            public Reader next() {
                if (given) {
                    return null;
                }
                given = true;
                return reader;
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    /** A JSONL file: one document per non-blank line, the text in a field of a JSON object. */
    final class JsonLines implements Documents {
        // Strict: "{...} junk" on a line is an error, not a record.
        private static final ObjectMapper JSON =
                JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

        private final BoundedLines lines;
        private final String field;

        JsonLines(Reader reader, String file, String field) {
            this.lines = new BoundedLines(reader, file, MAX_JSON_LINE);
            this.field = field;
        }

        @Override
        public Reader next() throws IOException {
            String text = nextText();
            return text == null ? null : new StringReader(text);
        }

        /** Returns the text of the next record, or null after the last. */
        String nextText() throws IOException {
            String line;
            while ((line = lines.next()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode record;
                try {
                    record = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw lines.error("not valid JSON (" + e.getOriginalMessage() + ")");
                }
                if (!record.isObject()) {
                    throw lines.error("not a JSON object");
                }
                JsonNode text = record.get(field);
                if (text == null || !text.isTextual()) {
                    throw lines.error("no string field \"" + field + "\"");
                }
                return text.textValue();
            }
            return null;
        }

        /** Returns the 1-based line number of the record last read. */
        long lineNumber() {
            return lines.lineNumber();
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }
}
