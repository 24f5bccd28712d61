package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.SafetensorsBytes.f32;
import static ai.spikelm.zoo.weights.SafetensorsBytes.i64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** Finding a PyTorch checkpoint in a model directory: only on request, and after safetensors. */
class PytorchDirectoryTest {

    private static final String SHARD_1 = "pytorch_model-00001-of-00002.bin";
    private static final String SHARD_2 = "pytorch_model-00002-of-00002.bin";

    @TempDir Path dir;

    private void writeBin(String name) throws IOException {
        new TorchZipWriter()
                .archive("pytorch_model")
                .tensor("w", TensorDType.F32, new long[] {2}, f32(1, 2))
                .write(dir.resolve(name));
    }

    @Test
    void theOneArgumentOpenIgnoresPytorchFiles() throws IOException {
        writeBin(SafetensorsCheckpoint.PYTORCH_FILE_NAME);
        NoSuchFileException e =
                assertThrows(NoSuchFileException.class, () -> SafetensorsCheckpoint.open(dir));
        assertTrue(e.getMessage().contains("holds neither model.safetensors"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> SafetensorsCheckpoint.open(dir, false));
        // Given the file itself, it is still read as safetensors, and refused as such.
        assertThrows(
                MalformedCheckpointException.class,
                () -> SafetensorsCheckpoint.open(dir.resolve("pytorch_model.bin")));
    }

    @Test
    void optingInReadsPytorchModelBin() throws IOException {
        writeBin(SafetensorsCheckpoint.PYTORCH_FILE_NAME);
        try (CheckpointReader r = SafetensorsCheckpoint.open(dir, true)) {
            assertInstanceOf(PytorchCheckpoint.class, r);
            assertArrayEquals(new float[] {1, 2}, r.get("w").toFloatArray());
        }
        try (CheckpointReader r =
                SafetensorsCheckpoint.open(dir.resolve("pytorch_model.bin"), true)) {
            assertInstanceOf(PytorchCheckpoint.class, r);
        }
    }

    @Test
    void safetensorsIsPreferredEvenWhenPickleIsAllowed() throws IOException {
        writeBin(SafetensorsCheckpoint.PYTORCH_FILE_NAME);
        SafetensorsWriter.write(
                dir.resolve(SafetensorsCheckpoint.SINGLE_FILE_NAME),
                Map.of("w", HostTensor.ofFloats(new long[] {1}, new float[] {9})),
                Map.of("format", "pt"));
        try (CheckpointReader r = SafetensorsCheckpoint.open(dir, true)) {
            assertInstanceOf(SafetensorsFile.class, r);
            assertArrayEquals(new float[] {9}, r.get("w").toFloatArray());
        }
        // A safetensors file passed by name stays safetensors too.
        try (CheckpointReader r =
                SafetensorsCheckpoint.open(
                        dir.resolve(SafetensorsCheckpoint.SINGLE_FILE_NAME), true)) {
            assertInstanceOf(SafetensorsFile.class, r);
        }
    }

    @Test
    void aLegacyBinByNameIsReportedAsSuch() throws IOException {
        Path legacy =
                Files.write(dir.resolve("old.pt"), new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10});
        MalformedCheckpointException e =
                assertThrows(
                        MalformedCheckpointException.class,
                        () -> SafetensorsCheckpoint.open(legacy, true));
        assertTrue(e.problem().contains("legacy torch.save file"), e.getMessage());
    }

    @Test
    void anEmptyDirectoryNamesEveryCandidate() {
        NoSuchFileException e =
                assertThrows(
                        NoSuchFileException.class, () -> SafetensorsCheckpoint.open(dir, true));
        assertTrue(e.getMessage().contains("pytorch_model.bin.index.json"), e.getMessage());
        assertThrows(
                NoSuchFileException.class,
                () -> SafetensorsCheckpoint.open(dir.resolve("missing.bin"), true));
    }

    private Path writeShardsAndIndex(String weightMap) throws IOException {
        new TorchZipWriter()
                .tensor("a", TensorDType.F32, new long[] {2}, f32(1, 2))
                .tensor("b", TensorDType.I64, new long[] {1}, i64(7))
                .write(dir.resolve(SHARD_1));
        new TorchZipWriter()
                .tensor("c", TensorDType.F32, new long[] {1}, f32(3))
                .write(dir.resolve(SHARD_2));
        String json = "{\"metadata\":{\"total_size\":20},\"weight_map\":" + weightMap + "}";
        return Files.writeString(dir.resolve(SafetensorsCheckpoint.PYTORCH_INDEX_FILE_NAME), json);
    }

    @Test
    void shardedPytorchCheckpoints() throws IOException {
        writeShardsAndIndex(
                "{\"a\":\"" + SHARD_1 + "\",\"b\":\"" + SHARD_1 + "\",\"c\":\"" + SHARD_2 + "\"}");
        try (CheckpointReader r = SafetensorsCheckpoint.open(dir, true)) {
            ShardedCheckpoint<?> sharded = assertInstanceOf(ShardedCheckpoint.class, r);
            assertEquals(List.of("a", "b", "c"), List.copyOf(r.names()));
            assertArrayEquals(new float[] {1, 2}, r.get("a").toFloatArray());
            assertEquals(7L, r.get("b").data().getLong(0));
            assertArrayEquals(new float[] {3}, r.get("c").toFloatArray());
            assertEquals(TensorDType.I64, r.info("b").dtype());
            assertEquals(Map.of("total_size", "20"), r.metadata());
            assertEquals(List.of(SHARD_1, SHARD_2), List.copyOf(sharded.shards().keySet()));
            assertThrows(NoSuchElementException.class, () -> r.get("d"));
        }
    }

    @Test
    void shardedIndexChecks() throws IOException {
        Path index = writeShardsAndIndex("{\"a\":\"" + SHARD_2 + "\"}");
        MalformedCheckpointException e =
                assertThrows(
                        MalformedCheckpointException.class,
                        () -> ShardedCheckpoint.pytorch(index));
        assertTrue(e.problem().contains("which does not hold it"), e.getMessage());

        writeShardsAndIndex("{\"a\":\"../" + SHARD_1 + "\"}");
        e =
                assertThrows(
                        MalformedCheckpointException.class,
                        () -> ShardedCheckpoint.pytorch(index));
        assertTrue(e.problem().contains("is not a plain file name"), e.getMessage());

        writeShardsAndIndex("{\"a\":\"pytorch_model-00003-of-00002.bin\"}");
        e =
                assertThrows(
                        MalformedCheckpointException.class,
                        () -> ShardedCheckpoint.pytorch(index));
        assertTrue(e.problem().contains("does not exist"), e.getMessage());
    }
}
