package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.SafetensorsBytes.f32;
import static ai.spikelm.zoo.weights.SafetensorsBytes.i64;
import static ai.spikelm.zoo.weights.SafetensorsBytes.u16;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Mutates a valid {@code pytorch_model.bin} at random, in its pickle and in its zip container, and
 * checks that every result is either read in full or refused with a {@link
 * MalformedCheckpointException}: never another exception, an out-of-memory error or a hang.
 */
class PytorchFuzzTest {

    /** Fixed so that a failure can be replayed; -Dpytorch.fuzz.seed and .rounds run others. */
    private static final long SEED = Long.getLong("pytorch.fuzz.seed", 0x70_12C4_1EL);

    private static final int ROUNDS = Integer.getInteger("pytorch.fuzz.rounds", 3000);
    private static final String PICKLE = "archive/data.pkl";

    /** Opcodes worth splicing in: the ones the reader runs and a few it must refuse. */
    private static final int[] OPCODES = {
        '(', '.', ')', ']', '}', 't', 0x85, 0x86, 0x87, 's', 'u', 'a', 'e', 'q', 'r', 'h', 'j',
        0x94, 'K', 'M', 'J', 0x8a, 'X', 0x8c, 0x88, 0x89, 'N', 'G', 'c', 0x93, 'R', 'Q', 'b', 0x80,
        0x95, 'i', 'o', 0x81, '0', 'P'
    };

    private static final long[] INTERESTING = {
        0,
        1,
        2,
        3,
        4,
        7,
        8,
        0x7F,
        0x80,
        0xFF,
        0x100,
        0xFFFF,
        0x7FFFFFFF,
        0x80000000L,
        0xFFFFFFFFL,
        Long.MAX_VALUE,
        -1,
        Long.MIN_VALUE
    };

    @TempDir Path dir;

    /** Every feature the reader has: dtypes, a shared storage, a strided view, a scalar. */
    private static TorchZipWriter base() {
        TorchZipWriter.Storage shared =
                TorchZipWriter.storage(TensorDType.F32, f32(0, 1, 2, 3, 4, 5, 6, 7));
        return new TorchZipWriter()
                .view("embeddings.weight", shared, 0, new long[] {2, 4}, new long[] {4, 1})
                .view("decoder.weight", shared, 0, new long[] {4, 2}, new long[] {1, 4})
                .view("bias", shared, 6, new long[] {2}, new long[] {1})
                .tensor("half", TensorDType.F16, new long[] {2}, u16(0x3C00, 0xC000))
                .tensor("bf16", TensorDType.BF16, new long[] {1, 2}, u16(0x3F80, 0x4000))
                .tensor("position_ids", TensorDType.I64, new long[] {1, 3}, i64(0, 1, 2))
                .tensor("num_batches_tracked", TensorDType.I64, new long[0], i64(5))
                .tensor("empty", TensorDType.F32, new long[] {0}, new byte[0]);
    }

    @Test
    void randomMutationsReadOrFailCleanly() throws IOException {
        Map<String, byte[]> records = base().records();
        byte[] zip = TorchZipWriter.zip(records, false);
        Random random = new Random(SEED);
        int read = 0;
        int refused = 0;
        int[] perKind = new int[12];
        long start = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            int kind = random.nextInt(perKind.length);
            perKind[kind]++;
            byte[] mutated = mutate(records, zip, kind, random);
            Path file = Files.write(dir.resolve("fuzz" + round + ".bin"), mutated);
            try {
                readEverything(file);
                read++;
            } catch (MalformedCheckpointException e) {
                refused++;
            } catch (Throwable t) {
                fail(
                        "Round " + round + " (mutation " + kind + ", seed " + SEED + ") threw " + t,
                        t);
            } finally {
                Files.delete(file);
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(
                "PytorchFuzzTest: %d cases in %d ms, %d read, %d refused, per mutation kind %s%n",
                ROUNDS, millis, read, refused, Arrays.toString(perKind));
        // Both outcomes must be common, or the mutations are not exercising the reader.
        assertTrue(read > ROUNDS / 15, "read " + read);
        assertTrue(refused > ROUNDS / 3, "refused " + refused);
    }

    private static void readEverything(Path file) throws IOException {
        try (PytorchCheckpoint r = PytorchCheckpoint.open(file)) {
            for (String name : r.names()) {
                r.info(name);
                HostTensor t = r.get(name);
                ByteBuffer data = t.data();
                while (data.hasRemaining()) {
                    data.get();
                }
                if (t.dtype().isFloating()) {
                    t.toFloatArray();
                }
            }
        }
    }

    private static byte[] mutate(Map<String, byte[]> records, byte[] zip, int kind, Random random) {
        byte[] pickle = records.get(PICKLE);
        switch (kind) {
            case 0: // flip a few bits of the pickle
                byte[] flipped = pickle.clone();
                for (int i = 1 + random.nextInt(4); i > 0; i--) {
                    flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return withPickle(records, flipped);
            case 1: // a random byte in the pickle
                byte[] b = pickle.clone();
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                return withPickle(records, b);
            case 2: // an opcode where another byte was
                byte[] op = pickle.clone();
                op[random.nextInt(op.length)] = (byte) OPCODES[random.nextInt(OPCODES.length)];
                return withPickle(records, op);
            case 3: // an interesting value over 1, 2, 4 or 8 bytes of the pickle
                return withPickle(
                        records, overwrite(pickle, random.nextInt(pickle.length), random));
            case 4: // delete a span of the pickle
                return withPickle(
                        records,
                        splice(pickle, random.nextInt(pickle.length), 1 + random.nextInt(16), 0));
            case 5: // duplicate a span of the pickle
                int from = random.nextInt(pickle.length);
                return withPickle(records, splice(pickle, from, 0, 1 + random.nextInt(32)));
            case 6: // change an integer operand: sizes, strides, offsets, numel, memo indices
                return withPickle(records, changeInteger(pickle, random));
            case 7: // truncate the archive
                return Arrays.copyOf(zip, random.nextInt(zip.length));
            case 8: // flip bits anywhere in the archive
                byte[] z = zip.clone();
                for (int i = 1 + random.nextInt(4); i > 0; i--) {
                    z[random.nextInt(z.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return z;
            case 9: // an interesting value in the central directory or end record
                int tail = Math.min(zip.length, 800);
                return overwrite(zip, zip.length - 1 - random.nextInt(tail), random);
            case 10: // a storage record longer or shorter than declared
                return withRecord(records, random, true);
            default: // a record missing
                return withRecord(records, random, false);
        }
    }

    private static byte[] withPickle(Map<String, byte[]> records, byte[] pickle) {
        Map<String, byte[]> copy = new LinkedHashMap<>(records);
        copy.put(PICKLE, pickle);
        return TorchZipWriter.zip(copy, false);
    }

    private static byte[] withRecord(Map<String, byte[]> records, Random random, boolean resize) {
        List<String> names = new ArrayList<>(records.keySet());
        String name = names.get(random.nextInt(names.size()));
        Map<String, byte[]> copy = new LinkedHashMap<>(records);
        if (resize) {
            byte[] data = records.get(name);
            copy.put(name, Arrays.copyOf(data, Math.max(0, data.length + random.nextInt(9) - 4)));
        } else {
            copy.remove(name);
        }
        return TorchZipWriter.zip(copy, random.nextBoolean());
    }

    private static byte[] overwrite(byte[] base, int at, Random random) {
        byte[] b = base.clone();
        long v = INTERESTING[random.nextInt(INTERESTING.length)];
        int width = 1 << random.nextInt(4);
        for (int i = 0; i < width && at + i < b.length; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    /** Finds a BININT1, BININT2 or BININT byte and rewrites what follows it. */
    private static byte[] changeInteger(byte[] pickle, Random random) {
        for (int tries = 0; tries < 200; tries++) {
            int at = random.nextInt(pickle.length - 1);
            int op = pickle[at] & 0xFF;
            if (op == 'K' || op == 'M' || op == 'J') {
                byte[] b = pickle.clone();
                int width = op == 'K' ? 1 : op == 'M' ? 2 : 4;
                long v =
                        random.nextBoolean()
                                ? INTERESTING[random.nextInt(INTERESTING.length)]
                                : random.nextInt(64);
                for (int i = 0; i < width && at + 1 + i < b.length; i++) {
                    b[at + 1 + i] = (byte) (v >>> (8 * i));
                }
                return b;
            }
        }
        return pickle;
    }

    private static byte[] splice(byte[] b, int at, int remove, int duplicate) {
        int cut = Math.min(remove, b.length - at);
        int dup = Math.min(duplicate, b.length - at);
        byte[] out = new byte[b.length - cut + dup];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at, out, at, dup);
        System.arraycopy(b, at + cut, out, at + dup, b.length - at - cut);
        return out;
    }
}
