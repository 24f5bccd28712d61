package ai.spikelm.zoo.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes strict UTF-8 from a stream, keeping count of the bytes and lines read so that a byte that
 * is not UTF-8 is reported with its exact position ({@link java.io.InputStreamReader} reports none).
 * Callers read at least two chars at a time (a supplementary character needs two).
 */
final class Utf8Reader extends Reader {

    private final InputStream in;
    private final String name;
    private final CharsetDecoder decoder =
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    /** The stream offset of {@code bytes.array()[0]}. */
    private long offset;
    private long line = 1;
    private boolean eof;

    /**
     * Creates the reader.
     *
     * @param in the bytes, closed with this reader
     * @param name the file name used in errors
     */
    Utf8Reader(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    @Override
    public int read(char[] chars, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        CharBuffer out = CharBuffer.wrap(chars, off, len);
        while (out.position() == off && !(eof && !bytes.hasRemaining())) {
            CoderResult result = decoder.decode(bytes, out, eof);
            if (result.isError()) {
                countLines(chars, off, out.position());
                throw new CorpusException(
                        name + ": not valid UTF-8 at byte " + (offset + bytes.position()) + " (line " + line + ")");
            }
            if (result.isUnderflow() && !eof) {
                refill();
            }
        }
        countLines(chars, off, out.position());
        return out.position() == off ? -1 : out.position() - off;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void refill() throws IOException {
        offset += bytes.position();
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            eof = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }

    private void countLines(char[] chars, int from, int to) {
        for (int i = from; i < to; i++) {
            if (chars[i] == '\n') {
                line++;
            }
        }
    }
}
