package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.SafetensorsBytes.f32;
import static ai.spikelm.zoo.weights.SafetensorsBytes.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A 3 GiB file, sparse so that it costs neither time nor disk: tensors past the 2 GiB mark are read
 * through their own mapped segment, and a tensor too large for one buffer is refused alone.
 */
class LargeSafetensorsTest {

    private static final long GIB = 1L << 30;

    @TempDir Path dir;

    @Test
    void tensorsBeyondTwoGibibytesAreMapped() throws IOException {
        // Sparse files need no space, but a file system without them would write 3 GiB.
        assumeTrue(Files.getFileStore(dir).getUsableSpace() > 8 * GIB, "not enough disk space");
        long bigBytes = 2 * GIB + 8;
        long tailStart = GIB + bigBytes;
        String header =
                "{\"a\":{\"dtype\":\"U8\",\"shape\":["
                        + GIB
                        + "],\"data_offsets\":[0,"
                        + GIB
                        + "]},"
                        + "\"big\":{\"dtype\":\"U8\",\"shape\":["
                        + bigBytes
                        + "],\"data_offsets\":["
                        + GIB
                        + ","
                        + tailStart
                        + "]},"
                        + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":["
                        + tailStart
                        + ","
                        + (tailStart + 8)
                        + "]}}";
        byte[] prefix = file(header, new byte[0]);
        long dataStart = prefix.length;
        Path path = dir.resolve("large.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.write(prefix);
            raf.setLength(dataStart + tailStart + 8);
            raf.seek(dataStart);
            raf.write(0x5A); // first byte of "a"
            raf.seek(dataStart + GIB - 1);
            raf.write(0x7B); // last byte of "a"
            raf.seek(dataStart + tailStart);
            raf.write(f32(1.25f, -8f));
        }

        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            assertEquals(2, f.segmentCount()); // "a" and "tail"; "big" cannot be one buffer
            HostTensor a = f.get("a");
            assertEquals(GIB, a.byteSize());
            assertEquals(0x5A, a.data().get(0));
            assertEquals(0x7B, a.data().get((int) (GIB - 1)));
            assertArrayEquals(new float[] {1.25f, -8f}, f.get("tail").toFloatArray());
            assertEquals(bigBytes, f.info("big").byteSize());
            assertThrows(UnsupportedOperationException.class, () -> f.get("big"));
        }
    }
}
