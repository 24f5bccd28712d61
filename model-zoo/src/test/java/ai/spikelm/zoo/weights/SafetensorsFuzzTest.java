package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.SafetensorsBytes.i64;
import static ai.spikelm.zoo.weights.SafetensorsBytes.tensor;
import static ai.spikelm.zoo.weights.SafetensorsBytes.u16;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Mutates a valid file at random and checks that the reader either reads the result or refuses it
 * with a {@link MalformedCheckpointException}: never another exception, never a crash.
 */
class SafetensorsFuzzTest {

    private static final long SEED = 0x5AFE_7E45L;
    private static final int ROUNDS = 2000;
    private static final byte[] JSON_CHARS =
            "{}[]\":,0123456789-.eE ".getBytes(StandardCharsets.US_ASCII);

    @TempDir Path dir;

    private static byte[] validFile(Path dir) throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("w", HostTensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
        tensors.put("b", tensor(TensorDType.BF16, new long[] {3}, u16(0x3F80, 0xC000, 0x7F80)));
        tensors.put("h", tensor(TensorDType.F16, new long[] {1}, u16(0x3C00)));
        tensors.put("ids", tensor(TensorDType.I64, new long[] {2}, i64(1, -1)));
        tensors.put("s", HostTensor.ofFloats(new long[0], new float[] {5}));
        tensors.put("e", HostTensor.ofFloats(new long[] {0}, new float[0]));
        Path file = dir.resolve("base.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        return Files.readAllBytes(file);
    }

    @Test
    void randomMutationsReadOrFailCleanly() throws IOException {
        byte[] base = validFile(dir);
        int headerEnd = 8 + (int) ByteBuffer.wrap(base).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        Random random = new Random(SEED);
        int read = 0;
        int refused = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int kind = random.nextInt(9);
            byte[] mutated = mutate(base, headerEnd, kind, random);
            Path file = Files.write(dir.resolve("fuzz" + round + ".safetensors"), mutated);
            try {
                readEverything(file);
                read++;
            } catch (MalformedCheckpointException e) {
                refused++;
            } catch (Throwable t) {
                fail(
                        "Round "
                                + round
                                + " (mutation "
                                + kind
                                + ", seed "
                                + SEED
                                + ") threw "
                                + t
                                + " for header: "
                                + printable(mutated),
                        t);
            } finally {
                Files.delete(file);
            }
        }
        // Both outcomes must occur, or the mutations are not exercising the reader.
        assertTrue(read > 50, "read " + read);
        assertTrue(refused > 500, "refused " + refused);
    }

    private static void readEverything(Path file) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) {
                HostTensor t = f.get(name);
                ByteBuffer data = t.data();
                while (data.hasRemaining()) {
                    data.get();
                }
                if (t.dtype().isFloating()) {
                    t.toFloatArray();
                }
            }
            f.metadata().forEach((k, v) -> k.length());
        }
    }

    private static byte[] mutate(byte[] base, int headerEnd, int kind, Random random) {
        byte[] b = base.clone();
        switch (kind) {
            case 0: // flip a few bits anywhere
                for (int i = 1 + random.nextInt(4); i > 0; i--) {
                    int at = random.nextInt(b.length);
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
                return b;
            case 1: // a random byte in the header
                b[8 + random.nextInt(headerEnd - 8)] = (byte) random.nextInt(256);
                return b;
            case 2: // a JSON-significant character in the header
                b[8 + random.nextInt(headerEnd - 8)] =
                        JSON_CHARS[random.nextInt(JSON_CHARS.length)];
                return b;
            case 3: // truncation
                return Arrays.copyOf(b, random.nextInt(b.length));
            case 4: // trailing garbage
                byte[] longer = Arrays.copyOf(b, b.length + 1 + random.nextInt(16));
                return longer;
            case 5: // header length edits
                long[] lengths = {
                    0,
                    1,
                    7,
                    headerEnd - 9,
                    headerEnd - 7,
                    headerEnd,
                    b.length,
                    b.length - 8L,
                    100_000_000L,
                    100_000_001L,
                    -1L,
                    Long.MIN_VALUE,
                    Integer.MAX_VALUE,
                    1L << 32,
                    random.nextLong(),
                    random.nextInt(300)
                };
                ByteBuffer.wrap(b)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(0, lengths[random.nextInt(lengths.length)]);
                return b;
            case 6: // delete a span of the header, keeping the stated length
                return splice(
                        b, 8 + random.nextInt(headerEnd - 8), random.nextInt(12), new byte[0]);
            case 7: // duplicate a span of the header
                int from = 8 + random.nextInt(headerEnd - 8);
                int len = Math.min(random.nextInt(24), headerEnd - from);
                return splice(b, from, 0, Arrays.copyOfRange(b, from, from + len));
            default: // change one digit of the header: shapes and offsets that nearly fit
                for (int tries = 0; tries < 100; tries++) {
                    int at = 8 + random.nextInt(headerEnd - 8);
                    if (b[at] >= '0' && b[at] <= '9') {
                        b[at] = (byte) ('0' + random.nextInt(10));
                        break;
                    }
                }
                return b;
        }
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        int cut = Math.min(remove, b.length - at);
        byte[] out = new byte[b.length - cut + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + cut, out, at + insert.length, b.length - at - cut);
        return out;
    }

    private static String printable(byte[] b) {
        return new String(b, 0, Math.min(b.length, 400), StandardCharsets.ISO_8859_1);
    }
}
