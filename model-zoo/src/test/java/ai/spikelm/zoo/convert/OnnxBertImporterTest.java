package ai.spikelm.zoo.convert;

import ai.spikelm.zoo.bert.SpikeBertConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.weights.HostTensor;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxBertImporterTest {

    private static ImportedBert importTiny(TinyOnnxBert tiny) throws CheckpointFormatException {
        return OnnxBertImporter.read(ByteBuffer.wrap(tiny.build()), OptionalInt.empty());
    }

    @Test
    void importsHuggingFaceNamesShapesAndTransposedValues() throws Exception {
        TinyOnnxBert tiny = new TinyOnnxBert();
        ImportedBert bert = importTiny(tiny);

        assertEquals(tiny.values.keySet(), bert.tensors().keySet());
        for (Map.Entry<String, float[]> e : tiny.values.entrySet()) {
            HostTensor t = bert.tensors().get(e.getKey());
            assertArrayEquals(tiny.shapes.get(e.getKey()), t.shape(), e.getKey());
            assertArrayEquals(e.getValue(), t.toFloatArray(), e.getKey());
        }
        // The first tensors come in Hugging Face's order.
        assertEquals("embeddings.word_embeddings.weight", bert.tensors().keySet().iterator().next());
        assertEquals(java.util.List.of("embeddings.position_ids"), bert.skipped());
    }

    @Test
    void infersConfigFromShapesReshapeAndSpeltOutLayerNorm() throws Exception {
        SpikeBertConfig c = importTiny(new TinyOnnxBert()).config();
        assertEquals(TinyOnnxBert.VOCAB, c.vocabSize());
        assertEquals(TinyOnnxBert.HIDDEN, c.hiddenSize());
        assertEquals(TinyOnnxBert.LAYERS, c.numHiddenLayers());
        assertEquals(TinyOnnxBert.HEADS, c.numAttentionHeads());
        assertEquals(TinyOnnxBert.INTERMEDIATE, c.intermediateSize());
        assertEquals(TinyOnnxBert.POSITIONS, c.maxPositionEmbeddings());
        assertEquals(TinyOnnxBert.TYPES, c.typeVocabSize());
        assertEquals(1e-12f, c.layerNormEps());
        assertEquals("gelu", c.hiddenAct());
    }

    @Test
    void readsEpsilonFromLayerNormalizationNodeAndHeadsFromScoreScale() throws Exception {
        TinyOnnxBert tiny = new TinyOnnxBert();
        tiny.layerNormalizationEpsilon = 1e-5f;
        tiny.headsHint = TinyOnnxBert.HeadsHint.SCALE;
        SpikeBertConfig c = importTiny(tiny).config();
        assertEquals(1e-5f, c.layerNormEps());
        assertEquals(TinyOnnxBert.HEADS, c.numAttentionHeads());
    }

    @Test
    void headCountMustBeGivenWhenTheGraphDoesNotShowIt() throws Exception {
        TinyOnnxBert tiny = new TinyOnnxBert();
        tiny.headsHint = TinyOnnxBert.HeadsHint.NONE;
        byte[] bytes = tiny.build();
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> OnnxBertImporter.read(ByteBuffer.wrap(bytes), OptionalInt.empty()));
        assertTrue(e.getMessage().contains("pass the head count"), e.getMessage());
        assertEquals(4, OnnxBertImporter.read(ByteBuffer.wrap(bytes), OptionalInt.of(4)).config().numAttentionHeads());
    }

    @Test
    void readsFloatDataAndStripsTheBertPrefixOfHeadModels() throws Exception {
        TinyOnnxBert tiny = new TinyOnnxBert();
        tiny.asFloatData.add("encoder.layer.1.output.dense.bias");
        tiny.basePrefix = "bert.";
        ImportedBert bert = importTiny(tiny);
        assertArrayEquals(tiny.values.get("encoder.layer.1.output.dense.bias"),
                bert.tensors().get("encoder.layer.1.output.dense.bias").toFloatArray());
        assertArrayEquals(tiny.values.get("encoder.layer.1.output.dense.weight"),
                bert.tensors().get("encoder.layer.1.output.dense.weight").toFloatArray());
    }

    @Test
    void missingTensorsAreListed() {
        TinyOnnxBert tiny = new TinyOnnxBert();
        tiny.omit.add("encoder.layer.1.output.dense.bias");
        tiny.omit.add("encoder.layer.0.attention.self.key.weight");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> importTiny(tiny));
        assertTrue(e.getMessage().contains("2 tensors missing"), e.getMessage());
        assertTrue(e.getMessage().contains("encoder.layer.1.output.dense.bias"), e.getMessage());
        assertTrue(e.getMessage().contains("encoder.layer.0.attention.self.key.weight"), e.getMessage());
    }

    @Test
    void malformedBytesFailClearly() {
        byte[] good = new TinyOnnxBert().build();
        for (int cut : new int[] {1, 100, good.length / 2, good.length - 3}) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThrows(CheckpointFormatException.class,
                    () -> OnnxBertImporter.read(ByteBuffer.wrap(truncated), OptionalInt.empty()), "cut at " + cut);
        }
        byte[] noGraph = new ProtoWriter().varint(1, 7).string(2, "pytorch").toByteArray();
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> OnnxBertImporter.read(ByteBuffer.wrap(noGraph), OptionalInt.empty()));
        assertTrue(e.getMessage().contains("no graph"), e.getMessage());
        // A field claiming 2 GB in a 10-byte file.
        byte[] hugeLength = {0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0, 0, 0, 0};
        assertThrows(CheckpointFormatException.class,
                () -> OnnxBertImporter.read(ByteBuffer.wrap(hugeLength), OptionalInt.empty()));
    }

    @Test
    void wrongRawDataLengthIsReported() {
        ProtoWriter graph = new ProtoWriter()
                .message(5, new ProtoWriter().packedInt64(1, TinyOnnxBert.VOCAB, TinyOnnxBert.HIDDEN).varint(2, 1)
                        .string(8, "embeddings.word_embeddings.weight").bytes(9, new byte[12]));
        byte[] model = new ProtoWriter().message(7, graph).toByteArray();
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> OnnxBertImporter.read(ByteBuffer.wrap(model), OptionalInt.empty()));
        assertTrue(e.getMessage().contains("embeddings.word_embeddings.weight"), e.getMessage());
    }

    @Test
    void absurdDimensionsOfEmptyTensorsAreRejected() {
        // Zero elements pass the length check, so the dimensions themselves must be bounded.
        ProtoWriter graph = new ProtoWriter()
                .message(5, new ProtoWriter().packedInt64(1, 1L << 40, 0).varint(2, 1).string(8, "onnx::MatMul_1").bytes(9, new byte[0]))
                .message(1, TinyOnnxBert.node("/encoder/layer.0/attention/self/query/MatMul", "MatMul",
                        java.util.List.of("x", "onnx::MatMul_1"), java.util.List.of("y")))
                .message(5, new ProtoWriter().packedInt64(1, 1L << 40, 0).varint(2, 1)
                        .string(8, "embeddings.word_embeddings.weight").bytes(9, new byte[0]));
        byte[] model = new ProtoWriter().message(7, graph).toByteArray();
        assertThrows(CheckpointFormatException.class, () -> OnnxBertImporter.read(ByteBuffer.wrap(model), OptionalInt.of(2)));
    }

    @Test
    void readsAFileAndWritesConfigJson(@TempDir Path dir) throws Exception {
        Path onnx = dir.resolve("tiny.onnx");
        Files.write(onnx, new TinyOnnxBert().build());
        ImportedBert bert = OnnxBertImporter.read(onnx);
        assertFalse(bert.hasMaskedLmHead());
        bert.config().save(dir);
        String text = Files.readString(dir.resolve("config.json"));
        assertTrue(text.contains("\"model_type\" : \"bert\""), text);
        assertEquals(bert.config(), SpikeBertConfig.load(dir.resolve("config.json")));
    }
}
