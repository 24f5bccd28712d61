package ai.spikelm.zoo.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The texts the spike amplitudes α of a model are calibrated on ({@link Calibration}): one
 * sequence per non-blank line, at most {@value #MAX_TEXTS} of them, each truncated to at most
 * {@value #MAX_TOKENS} tokens, all run through the model as one padded batch.
 *
 * <p>The default, {@link #sample()}, is the embedded sample text ({@value #SAMPLE_RESOURCE} on
 * the class path): 40 lines of English, the opening of Jane Austen's <i>Pride and Prejudice</i>
 * (12 lines) and Genesis 1:1–8 in the World English Bible (8 lines), both in the public domain,
 * then 20 plain sentences of everyday, news-like and technical prose. It is small enough to
 * calibrate in a second on a CPU and varied enough to exercise every site. Calibrate on text like
 * your own when you can ({@link #read(Path)}): α follows the activations it sees.
 */
public final class CalibrationSet {

    /** The class-path resource of the embedded sample text. */
    public static final String SAMPLE_RESOURCE = "/ai/spikelm/zoo/core/sample-text.txt";

    /**
     * The most texts a set keeps (the first ones). They form one batch, so this bounds the memory
     * of calibration: T × texts × tokens × the widest layer.
     */
    public static final int MAX_TEXTS = 64;

    /** The most tokens per text (the pre-training length of SpikeLM-BERT). */
    public static final int MAX_TOKENS = 128;

    private static volatile CalibrationSet sample;

    private final String source;
    private final List<String> texts;

    private CalibrationSet(String source, List<String> texts) {
        this.source = source;
        this.texts = texts;
    }

    /**
     * Returns the embedded sample text, the default calibration set.
     *
     * @return the sample set
     */
    public static CalibrationSet sample() {
        CalibrationSet s = sample;
        if (s == null) {
            s = of("the embedded sample text", sampleLines());
            sample = s;
        }
        return s;
    }

    /**
     * Returns every non-blank line of the embedded sample text (for tools that want more of it
     * than a calibration set keeps, or all of it as test data).
     *
     * @return the lines, stripped
     */
    public static List<String> sampleLines() {
        try (InputStream in = CalibrationSet.class.getResourceAsStream(SAMPLE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The embedded sample text is missing from the class path: " + SAMPLE_RESOURCE);
            }
            return lines(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the embedded sample text " + SAMPLE_RESOURCE, e);
        }
    }

    /**
     * Reads a calibration set from a UTF-8 text file, one text per non-blank line.
     *
     * @param file the file
     * @return the set (the first {@value #MAX_TEXTS} lines)
     * @throws IOException naming the file if it cannot be read or is not UTF-8
     * @throws IllegalArgumentException naming the file if it has no non-blank line
     */
    public static CalibrationSet read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException("Calibration text " + file + " is not UTF-8 text", e);
        } catch (NoSuchFileException e) {
            throw new IOException("Calibration text " + file + ": no such file", e);
        } catch (IOException e) {
            throw new IOException("Cannot read calibration text " + file + ": " + e.getMessage(), e);
        }
        return of(file.toString(), lines(text));
    }

    /**
     * Makes a calibration set from texts.
     *
     * @param source how to name the texts in messages (a file name, "the task's training set")
     * @param texts the texts; blank ones are skipped, and only the first {@value #MAX_TEXTS}
     *     others are kept
     * @return the set
     * @throws IllegalArgumentException if no text is left
     */
    public static CalibrationSet of(String source, List<String> texts) {
        List<String> kept = new ArrayList<>();
        for (String text : texts) {
            if (text != null && !text.isBlank() && kept.size() < MAX_TEXTS) {
                kept.add(text.strip());
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("Calibration set " + source + " has no non-blank text");
        }
        return new CalibrationSet(source, List.copyOf(kept));
    }

    /**
     * Splits text into its non-blank lines, stripped.
     *
     * @param text the text
     * @return the lines
     */
    public static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    /**
     * Returns where the texts came from.
     *
     * @return the source's name
     */
    public String source() {
        return source;
    }

    /**
     * Returns the texts.
     *
     * @return the texts, none blank, at most {@value #MAX_TEXTS}
     */
    public List<String> texts() {
        return texts;
    }

    @Override
    public String toString() {
        return texts.size() + " lines of " + source;
    }
}
