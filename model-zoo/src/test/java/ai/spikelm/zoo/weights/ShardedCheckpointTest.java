package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.SafetensorsBytes.bytes;
import static ai.spikelm.zoo.weights.SafetensorsBytes.i64;
import static ai.spikelm.zoo.weights.SafetensorsBytes.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** Sharded checkpoints: one view across shards, and the index checks. */
class ShardedCheckpointTest {

    private static final String SHARD_1 = "model-00001-of-00002.safetensors";
    private static final String SHARD_2 = "model-00002-of-00002.safetensors";

    @TempDir Path dir;

    private static HostTensor floats(float... v) {
        return HostTensor.ofFloats(new long[] {v.length}, v);
    }

    /** Two hand-placed shards: "a" and "b" in the first, "c" in the second. */
    private void writeTwoShards() throws IOException {
        Map<String, HostTensor> first = new LinkedHashMap<>();
        first.put("a", floats(1, 2));
        first.put("b", tensor(TensorDType.I64, new long[] {1}, i64(7)));
        SafetensorsWriter.write(dir.resolve(SHARD_1), first, Map.of("format", "pt"));
        SafetensorsWriter.write(
                dir.resolve(SHARD_2), Map.of("c", floats(3)), Map.of("format", "pt"));
    }

    private Path writeIndex(String weightMapJson) throws IOException {
        String json = "{\"metadata\":{\"total_size\":28},\"weight_map\":" + weightMapJson + "}";
        return Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE_NAME), json);
    }

    private static String weightMap(String a, String b, String c) {
        return "{\"a\":\"" + a + "\",\"b\":\"" + b + "\",\"c\":\"" + c + "\"}";
    }

    private MalformedCheckpointException assertMalformed(Path index, String expectedProblem) {
        MalformedCheckpointException e =
                assertThrows(
                        MalformedCheckpointException.class,
                        () -> ShardedCheckpoint.safetensors(index).close());
        assertTrue(e.problem().contains(expectedProblem), e.getMessage());
        return e;
    }

    @Test
    void readsAcrossTwoHandIndexedShards() throws IOException {
        writeTwoShards();
        writeIndex(weightMap(SHARD_1, SHARD_1, SHARD_2));
        try (CheckpointReader r = SafetensorsCheckpoint.open(dir)) {
            ShardedCheckpoint<?> sharded = assertInstanceOf(ShardedCheckpoint.class, r);
            assertEquals(List.of("a", "b", "c"), List.copyOf(r.names()));
            assertArrayEquals(new float[] {1, 2}, r.get("a").toFloatArray());
            assertEquals(7L, r.get("b").data().getLong(0));
            assertArrayEquals(new float[] {3}, r.get("c").toFloatArray());
            assertEquals(TensorDType.I64, r.info("b").dtype());
            assertEquals(Map.of("total_size", "28"), r.metadata());
            assertEquals(
                    dir.resolve(SHARD_2).toAbsolutePath(), sharded.shardOf("c").toAbsolutePath());
            assertEquals(2, sharded.shards().size());
            assertEquals(Map.of("format", "pt"), sharded.shards().get(SHARD_1).metadata());
            assertFalse(r.contains("d"));
            assertThrows(NoSuchElementException.class, () -> r.get("d"));
        }
    }

    @Test
    void writerShardsBySizeAndWritesTheIndex() throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            tensors.put("layer." + i + ".weight", floats(i, i + 0.5f, -i)); // 12 bytes each
        }
        tensors.put("big", floats(new float[20])); // 80 bytes: a shard of its own
        Path index = SafetensorsWriter.writeSharded(dir, tensors, Map.of("format", "pt"), 30);
        assertEquals(dir.resolve(SafetensorsCheckpoint.INDEX_FILE_NAME), index);
        // 12+12 | 12+12 | 12 | 80
        for (int i = 1; i <= 4; i++) {
            assertTrue(
                    Files.exists(dir.resolve(String.format("model-%05d-of-00004.safetensors", i))));
        }
        String json = Files.readString(index, StandardCharsets.UTF_8);
        assertTrue(
                json.startsWith(
                        "{\n"
                            + "  \"metadata\": {\n"
                            + "    \"total_size\": 140\n"
                            + "  },\n"
                            + "  \"weight_map\": {\n"),
                json);
        assertTrue(json.contains("\n    \"big\": \"model-00004-of-00004.safetensors\",\n"), json);
        assertTrue(json.endsWith("}\n"), json);

        try (CheckpointReader r = SafetensorsCheckpoint.open(dir)) {
            assertEquals(tensors.keySet(), r.names());
            for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
                assertArrayEquals(bytes(e.getValue()), bytes(r.get(e.getKey())), e.getKey());
            }
            ShardedCheckpoint<?> sharded = (ShardedCheckpoint<?>) r;
            assertEquals(sharded.shardOf("layer.0.weight"), sharded.shardOf("layer.1.weight"));
            assertNotEquals(sharded.shardOf("layer.1.weight"), sharded.shardOf("layer.2.weight"));
            assertEquals("140", r.metadata().get("total_size"));
        }
    }

    @Test
    void oneShardIsASingleModelFile() throws IOException {
        Path written = SafetensorsWriter.writeSharded(dir, Map.of("a", floats(1)), null, 1 << 20);
        assertEquals(dir.resolve(SafetensorsCheckpoint.SINGLE_FILE_NAME), written);
        assertFalse(Files.exists(dir.resolve(SafetensorsCheckpoint.INDEX_FILE_NAME)));
        try (CheckpointReader r = SafetensorsCheckpoint.open(dir)) {
            assertInstanceOf(SafetensorsFile.class, r);
            assertArrayEquals(new float[] {1}, r.get("a").toFloatArray());
        }
    }

    @Test
    void shardNamesMayNotLeaveTheDirectory() throws IOException {
        writeTwoShards();
        Path outside = dir.resolve("sub");
        Files.createDirectories(outside);
        for (String escape :
                List.of(
                        "../" + SHARD_2,
                        "/tmp/" + SHARD_2,
                        dir.resolve(SHARD_2).toAbsolutePath().toString(),
                        "sub/../" + SHARD_2,
                        "..",
                        ".",
                        "",
                        "..\\\\" + SHARD_2)) {
            Path index = writeIndex(weightMap(SHARD_1, SHARD_1, escape));
            assertMalformed(index, "is not a plain file name in the checkpoint directory");
        }
    }

    @Test
    void missingShard() throws IOException {
        writeTwoShards();
        Path index = writeIndex(weightMap(SHARD_1, SHARD_1, "model-00003-of-00003.safetensors"));
        assertMalformed(
                index, "shard 'model-00003-of-00003.safetensors' of tensor 'c' does not exist");
    }

    @Test
    void shardMustHoldTheTensorsAssignedToIt() throws IOException {
        writeTwoShards();
        Path index = writeIndex(weightMap(SHARD_1, SHARD_2, SHARD_2));
        assertMalformed(
                index, "index puts tensor 'b' in shard '" + SHARD_2 + "', which does not hold it");
    }

    @Test
    void malformedShardIsReportedWithItsOwnName() throws IOException {
        writeTwoShards();
        Files.write(dir.resolve(SHARD_2), new byte[] {1, 2, 3});
        Path index = writeIndex(weightMap(SHARD_1, SHARD_1, SHARD_2));
        MalformedCheckpointException e =
                assertThrows(
                        MalformedCheckpointException.class, () -> ShardedCheckpoint.safetensors(index));
        assertEquals(dir.resolve(SHARD_2).toAbsolutePath(), e.file().toAbsolutePath());
    }

    @Test
    void malformedIndex() throws IOException {
        writeTwoShards();
        Path index = dir.resolve(SafetensorsCheckpoint.INDEX_FILE_NAME);
        Files.writeString(index, "{\"weight_map\":");
        assertMalformed(index, "index is not valid JSON");
        Files.writeString(index, "[]");
        assertMalformed(index, "index is not a JSON object");
        Files.writeString(index, "{\"metadata\":{}}");
        assertMalformed(index, "index has no weight_map object");
        Files.writeString(index, "{\"weight_map\":{\"a\":1}}");
        assertMalformed(index, "weight_map entry of 'a' is not a file name");
        Files.writeString(
                index, "{\"weight_map\":{\"a\":\"" + SHARD_1 + "\",\"a\":\"" + SHARD_1 + "\"}}");
        assertMalformed(index, "Duplicate field 'a'");
        Files.writeString(index, "{\"metadata\":[],\"weight_map\":{}}");
        assertMalformed(index, "index metadata is not an object");
    }

    @Test
    void checkpointEntryPointChoosesTheRightReader() throws IOException {
        assertThrows(NoSuchFileException.class, () -> SafetensorsCheckpoint.open(dir));
        assertThrows(
                NoSuchFileException.class, () -> SafetensorsCheckpoint.open(dir.resolve("none")));

        writeTwoShards();
        Path index = writeIndex(weightMap(SHARD_1, SHARD_1, SHARD_2));
        try (CheckpointReader r = SafetensorsCheckpoint.open(index)) {
            assertInstanceOf(ShardedCheckpoint.class, r);
        }
        Files.createDirectories(dir.resolve("sub"));
        Path roundabout = dir.resolve("sub").resolve("..").resolve(index.getFileName());
        try (CheckpointReader r = SafetensorsCheckpoint.open(roundabout)) {
            assertEquals(3, r.names().size());
        }
        try (CheckpointReader r = SafetensorsCheckpoint.open(dir.resolve(SHARD_2))) {
            assertEquals(List.of("c"), List.copyOf(r.names()));
        }
        // With both present, the single file wins, as in Transformers.
        SafetensorsWriter.write(
                dir.resolve(SafetensorsCheckpoint.SINGLE_FILE_NAME), Map.of("single", floats(9)));
        try (CheckpointReader r = SafetensorsCheckpoint.open(dir)) {
            assertEquals(List.of("single"), List.copyOf(r.names()));
        }
    }

    @Test
    void closingTheViewClosesEveryShard() throws IOException {
        writeTwoShards();
        ShardedCheckpoint<SafetensorsFile> r =
                ShardedCheckpoint.safetensors(writeIndex(weightMap(SHARD_1, SHARD_1, SHARD_2)));
        HostTensor kept = r.get("c");
        r.close();
        assertThrows(IllegalStateException.class, () -> r.get("a"));
        assertThrows(IllegalStateException.class, () -> r.get("c"));
        assertArrayEquals(new float[] {3}, kept.toFloatArray());
    }
}
