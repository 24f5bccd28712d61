package ai.spikelm.zoo.hub;

import java.nio.charset.StandardCharsets;

/** Percent-encoding for URL paths (not forms: a space is {@code %20}, never {@code +}). */
final class UrlPaths {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UrlPaths() {}

    /** Encodes one path segment; {@code /} is encoded too, as for {@code refs/pr/1}. */
    static String encodeSegment(String segment) {
        StringBuilder out = new StringBuilder(segment.length());
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (isUnreserved(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /** Encodes a path of segments, keeping the {@code /} between them. */
    static String encodePath(String path) {
        String[] parts = path.split("/", -1);
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(encodeSegment(parts[i]));
        }
        return out.toString();
    }

    /** The unreserved characters of RFC 3986, which never need encoding. */
    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~';
    }
}
