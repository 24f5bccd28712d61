package ai.spikelm.zoo.core;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's native memory as the operating system sees it, and a way to give freed engine
 * memory back.
 *
 * <p>Why: PyTorch allocates tensors with the C library's {@code malloc}. glibc keeps freed memory
 * in its arenas (one per thread that allocated, up to eight per core) and raises its mmap threshold
 * after large frees, so after a burst of requests from many threads the process can stay gigabytes
 * above its loaded size although nothing is in use. {@link #trim()} calls glibc's {@code
 * malloc_trim(0)}, which returns the free pages of every arena to the system; serving code calls it
 * when a burst is over (the LangChain4j models do, when their last concurrent call ends).
 *
 * <pre>{@code
 * long before = NativeMemory.residentBytes().orElse(-1);
 * ... a burst of requests ...
 * NativeMemory.trim();                                   // back near the loaded size
 * }</pre>
 *
 * <p>Only linux with glibc has {@code malloc_trim}; elsewhere (macOS, Windows, musl) {@link
 * #trim()} does nothing and returns false. The resident sizes come from {@code /proc/self/status}
 * and are empty where it does not exist.
 */
public final class NativeMemory {

    private static final Logger logger = LoggerFactory.getLogger(NativeMemory.class);

    private static final Path STATUS = Path.of("/proc/self/status");

    /** glibc's {@code int malloc_trim(size_t pad)}, or null where there is none. */
    private static final Function MALLOC_TRIM = lookUp("malloc_trim");

    private NativeMemory() {}

    private static Function lookUp(String name) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            return NativeLibrary.getInstance("c").getFunction(name);
        } catch (LinkageError | RuntimeException e) {
            // musl and other C libraries have no malloc_trim: trimming is then a no-op.
            logger.debug("No {} in the C library: {}", name, e.toString());
            return null;
        }
    }

    /**
     * Tells whether {@link #trim()} can give memory back on this platform.
     *
     * @return true on linux with glibc
     */
    public static boolean canTrim() {
        return MALLOC_TRIM != null;
    }

    /**
     * Returns the free memory of every {@code malloc} arena to the operating system ({@code
     * malloc_trim(0)}). Safe to call from any thread at any time; it takes the arenas' locks one at
     * a time, so other threads keep allocating meanwhile.
     *
     * @return true if memory was given back, false if none could be or the platform cannot trim
     */
    public static boolean trim() {
        if (MALLOC_TRIM == null) {
            return false;
        }
        return MALLOC_TRIM.invokeInt(new Object[] {new NativeLong(0)}) != 0;
    }

    /**
     * Returns the process's resident set size ({@code VmRSS}).
     *
     * @return bytes, or empty where {@code /proc/self/status} does not exist
     */
    public static OptionalLong residentBytes() {
        return statusField("VmRSS:");
    }

    /**
     * Returns the process's peak resident set size ({@code VmHWM}), since the start or the last
     * {@link #resetPeak()}.
     *
     * @return bytes, or empty where {@code /proc/self/status} does not exist
     */
    public static OptionalLong peakResidentBytes() {
        return statusField("VmHWM:");
    }

    /**
     * Resets the peak resident size to the current one (linux: {@code 5} into {@code
     * /proc/self/clear_refs}), so that {@link #peakResidentBytes()} measures what follows.
     *
     * @return true if the peak was reset
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** A {@code kB} line of {@code /proc/self/status}, in bytes. */
    private static OptionalLong statusField(String name) {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not linux, or a format we do not know
        }
        return OptionalLong.empty();
    }
}
