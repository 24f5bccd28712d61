package ai.spikelm.zoo.convert;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages valid fixtures at random and checks that the importers either still succeed or fail
 * with a {@link CheckpointFormatException}: never another exception, an out-of-memory error or a
 * hang.
 */
class MalformedInputFuzzTest {

    private static final int ROUNDS = 1000;

    @Test
    void damagedOnnxModelsFailCleanly() {
        byte[] good = new TinyOnnxBert().build();
        Random random = new Random(42);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] bad = damage(good, random);
            try {
                OnnxBertImporter.read(ByteBuffer.wrap(bad), OptionalInt.empty());
            } catch (CheckpointFormatException expected) {
                // fine
            } catch (RuntimeException e) {
                throw new AssertionError("Round " + round + " threw " + e, e);
            }
        }
    }

    @Test
    void damagedTensorBundleIndexesFailCleanly(@TempDir Path dir) throws Exception {
        Path model = new TinyTfBundle("bert/").writeSavedModel(dir);
        Path index = model.resolve("variables/variables.index");
        byte[] good = Files.readAllBytes(index);
        Random random = new Random(7);
        for (int round = 0; round < ROUNDS; round++) {
            Files.write(index, damage(good, random));
            try {
                TfBertCheckpointImporter.read(model, 2);
            } catch (CheckpointFormatException expected) {
                // fine
            } catch (RuntimeException e) {
                throw new AssertionError("Round " + round + " threw " + e, e);
            }
        }
    }

    /** Flips a few bytes, sometimes also truncating. */
    private static byte[] damage(byte[] good, Random random) {
        byte[] bad = good.clone();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
        }
        if (random.nextInt(4) == 0) {
            bad = java.util.Arrays.copyOf(bad, random.nextInt(bad.length));
        }
        return bad;
    }
}
