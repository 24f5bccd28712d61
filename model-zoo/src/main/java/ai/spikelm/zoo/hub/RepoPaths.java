package ai.spikelm.zoo.hub;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Checks names that become paths in the cache, so that neither a caller nor a server can make the
 * client read or write outside the cache directory.
 */
final class RepoPaths {

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,255}");
    private static final int MAX_QUOTED = 100;

    private RepoPaths() {}

    /**
     * Checks a file name given by a caller: a relative path with {@code /} separators and no {@code
     * .} or {@code ..} segment.
     *
     * @throws IllegalArgumentException if the name could escape its snapshot directory
     */
    static String checkFile(String file) {
        if (file == null || file.isEmpty()) {
            throw new IllegalArgumentException("The file name is empty");
        }
        String problem = fileProblem(file);
        if (problem != null) {
            throw new IllegalArgumentException("Unsafe file name " + quote(file) + ": " + problem);
        }
        return file;
    }

    /** Returns what makes a repository file name unsafe, or {@code null} if it is safe. */
    private static String fileProblem(String file) {
        if (file.startsWith("/")) {
            return "it is absolute";
        }
        // Backslashes separate paths on Windows and colons name drives and streams there.
        if (file.indexOf('\\') >= 0) {
            return "it contains a backslash";
        }
        if (file.indexOf(':') >= 0) {
            return "it contains a colon";
        }
        for (int i = 0; i < file.length(); i++) {
            if (Character.isISOControl(file.charAt(i))) {
                return "it contains a control character";
            }
        }
        for (String part : file.split("/", -1)) {
            if (part.isEmpty()) {
                return "it has an empty path segment";
            }
            if (part.equals(".") || part.equals("..")) {
                return "it has a '" + part + "' segment";
            }
        }
        return null;
    }

    /**
     * Tells whether a name is safe as a single path segment: letters, digits, {@code _}, {@code -}
     * and {@code .}, and neither {@code .} nor {@code ..}. Commit hashes and ETags are.
     */
    static boolean isSafeName(String name) {
        return name != null
                && SAFE_NAME.matcher(name).matches()
                && !name.equals(".")
                && !name.equals("..");
    }

    /**
     * Resolves a relative path under a directory and checks that the result stays inside it, as a
     * last guard behind the name checks.
     *
     * @throws IllegalArgumentException if the result would leave the directory
     */
    static Path resolveInside(Path dir, String relative) {
        Path base = dir.toAbsolutePath().normalize();
        Path resolved = base.resolve(relative).normalize();
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            throw new IllegalArgumentException(
                    "Unsafe file name " + quote(relative) + ": it leaves " + base);
        }
        return resolved;
    }

    /**
     * Quotes a possibly hostile string for a message: control characters escaped and the length
     * bounded, so that a server cannot forge log lines or flood them.
     */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("'");
        int n = Math.min(s.length(), MAX_QUOTED);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (s.length() > MAX_QUOTED) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
