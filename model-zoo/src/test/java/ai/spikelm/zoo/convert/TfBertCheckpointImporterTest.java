package ai.spikelm.zoo.convert;

import ai.spikelm.zoo.bert.SpikeBertConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.weights.HostTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfBertCheckpointImporterTest {

    @TempDir
    Path dir;

    private static void assertImportsExactly(TinyTfBundle tiny, ImportedBert bert) {
        assertEquals(tiny.hfValues.keySet(), bert.tensors().keySet());
        for (Map.Entry<String, float[]> e : tiny.hfValues.entrySet()) {
            HostTensor t = bert.tensors().get(e.getKey());
            assertArrayEquals(tiny.hfShapes.get(e.getKey()), t.shape(), e.getKey());
            assertArrayEquals(e.getValue(), t.toFloatArray(), e.getKey());
        }
    }

    @Test
    void importsATfHubSavedModelWithTransposedKernelsAndTheMaskedLmHead() throws Exception {
        TinyTfBundle tiny = new TinyTfBundle("module/bert/");
        ImportedBert bert = BertCheckpointImport.fromTensorFlow(tiny.writeSavedModel(dir), TinyOnnxBert.HEADS);

        assertImportsExactly(tiny, bert);
        assertTrue(bert.hasMaskedLmHead());
        assertEquals(List.of("global_step", "module/bert/pooler/dense/kernel/adam_m",
                "module/bert/pooler/dense/kernel/adam_v"), bert.skipped());
        SpikeBertConfig c = bert.config();
        assertEquals(TinyOnnxBert.VOCAB, c.vocabSize());
        assertEquals(TinyOnnxBert.HIDDEN, c.hiddenSize());
        assertEquals(TinyOnnxBert.LAYERS, c.numHiddenLayers());
        assertEquals(TinyOnnxBert.HEADS, c.numAttentionHeads());
        assertEquals(TinyOnnxBert.INTERMEDIATE, c.intermediateSize());
        assertEquals(TinyOnnxBert.POSITIONS, c.maxPositionEmbeddings());
        assertEquals(1e-12f, c.layerNormEps());
        assertEquals("embeddings.word_embeddings.weight", bert.tensors().keySet().iterator().next());
    }

    @Test
    void readsGoogleCheckpointsWithTheirBertConfigJson() throws Exception {
        TinyTfBundle tiny = new TinyTfBundle("bert/");
        tiny.write(dir.resolve("bert_model.ckpt"));
        Files.writeString(dir.resolve("bert_config.json"), "{\"attention_probs_dropout_prob\": 0.1,"
                + " \"hidden_act\": \"gelu\", \"hidden_size\": 8, \"initializer_range\": 0.02,"
                + " \"intermediate_size\": 12, \"max_position_embeddings\": 16, \"num_attention_heads\": 2,"
                + " \"num_hidden_layers\": 2, \"type_vocab_size\": 2, \"vocab_size\": 11}");
        for (Path p : List.of(dir, dir.resolve("bert_model.ckpt"), dir.resolve("bert_model.ckpt.index"))) {
            ImportedBert bert = TfBertCheckpointImporter.read(p);
            assertImportsExactly(tiny, bert);
            assertEquals(2, bert.config().numAttentionHeads());
        }
    }

    @Test
    void configJsonThatContradictsTheWeightsIsRejected() throws Exception {
        new TinyTfBundle("bert/").write(dir.resolve("bert_model.ckpt"));
        Files.writeString(dir.resolve("bert_config.json"), "{\"hidden_size\": 16, \"intermediate_size\": 12,"
                + " \"max_position_embeddings\": 16, \"num_attention_heads\": 2, \"num_hidden_layers\": 2,"
                + " \"type_vocab_size\": 2, \"vocab_size\": 11}");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> TfBertCheckpointImporter.read(dir));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void headCountIsRequiredWithoutAConfigFile() throws Exception {
        Path model = new TinyTfBundle("module/bert/").writeSavedModel(dir);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> TfBertCheckpointImporter.read(model));
        assertTrue(e.getMessage().contains("pass the head count"), e.getMessage());
    }

    @Test
    void maskedLmLayoutPrefixesTheEncoder() throws Exception {
        ImportedBert mlm = TfBertCheckpointImporter.read(new TinyTfBundle("bert/").writeSavedModel(dir), 2).maskedLmLayout();
        assertTrue(mlm.tensors().containsKey("bert.embeddings.word_embeddings.weight"));
        assertTrue(mlm.tensors().containsKey("cls.predictions.bias"));
        assertFalse(mlm.tensors().containsKey("bert.cls.predictions.bias"));
        assertEquals(List.of("BertForMaskedLM"), mlm.config().architectures());
    }

    @Test
    void missingTensorsAreListed() throws Exception {
        TinyTfBundle tiny = new TinyTfBundle("bert/");
        tiny.variables.remove("bert/encoder/layer_1/intermediate/dense/kernel");
        tiny.variables.remove("bert/embeddings/LayerNorm/beta");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> TfBertCheckpointImporter.read(tiny.writeSavedModel(dir), 2));
        assertTrue(e.getMessage().contains("2 tensors missing"), e.getMessage());
        assertTrue(e.getMessage().contains("encoder.layer.1.intermediate.dense.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("embeddings.LayerNorm.bias"), e.getMessage());
    }

    @Test
    void badMagicIsReported() throws Exception {
        Path model = new TinyTfBundle("bert/").writeSavedModel(dir);
        Path index = model.resolve("variables/variables.index");
        byte[] bytes = Files.readAllBytes(index);
        bytes[bytes.length - 1] ^= 0x55;
        Files.write(index, bytes);
        assertFailsWith(model, "bad magic number");
    }

    @Test
    void truncatedIndexIsReported() throws Exception {
        Path model = new TinyTfBundle("bert/").writeSavedModel(dir);
        Path index = model.resolve("variables/variables.index");
        byte[] bytes = Files.readAllBytes(index);
        for (int cut : new int[] {0, 20, bytes.length / 2, bytes.length - 1}) {
            Files.write(index, Arrays.copyOf(bytes, cut));
            assertThrows(CheckpointFormatException.class, () -> TfBertCheckpointImporter.read(model, 2), "cut at " + cut);
        }
    }

    @Test
    void corruptIndexBlockFailsItsChecksum() throws Exception {
        Path model = new TinyTfBundle("bert/").writeSavedModel(dir);
        Path index = model.resolve("variables/variables.index");
        byte[] bytes = Files.readAllBytes(index);
        bytes[10] ^= 0x01;
        Files.write(index, bytes);
        assertFailsWith(model, "CRC32C");
    }

    @Test
    void offsetBeyondTheDataFileIsReported() throws Exception {
        TinyTfBundle tiny = new TinyTfBundle("bert/");
        tiny.offsetOverride.put("bert/encoder/layer_0/output/dense/bias", 1L << 40);
        assertFailsWith(tiny.writeSavedModel(dir), "lies outside");
    }

    @Test
    void truncatedDataFileIsReported() throws Exception {
        Path model = new TinyTfBundle("bert/").writeSavedModel(dir);
        Path data = model.resolve("variables/variables.data-00000-of-00001");
        byte[] bytes = Files.readAllBytes(data);
        // The tail holds global_step, which is skipped; cut into the BERT tensors.
        Files.write(data, Arrays.copyOf(bytes, bytes.length / 2));
        assertFailsWith(model, "lies outside");
    }

    @Test
    void corruptDataFailsTheTensorChecksum() throws Exception {
        Path model = new TinyTfBundle("bert/").writeSavedModel(dir);
        Path data = model.resolve("variables/variables.data-00000-of-00001");
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(data, bytes);
        assertFailsWith(model, "CRC32C");
    }

    @Test
    void unknownDtypeIsReported() throws Exception {
        TinyTfBundle tiny = new TinyTfBundle("bert/");
        tiny.dtypeOverride.put("bert/embeddings/word_embeddings", 7); // DT_STRING
        assertFailsWith(tiny.writeSavedModel(dir), "dtype 7");
    }

    @Test
    void snappyBlocksAreRefused() throws Exception {
        TinyTfBundle tiny = new TinyTfBundle("bert/");
        tiny.dataBlockCompression = 1;
        assertFailsWith(tiny.writeSavedModel(dir), "Snappy");
    }

    @Test
    void missingDataShardIsReported() throws Exception {
        Path model = new TinyTfBundle("bert/").writeSavedModel(dir);
        Files.delete(model.resolve("variables/variables.data-00000-of-00001"));
        assertFailsWith(model, "is missing");
    }

    @Test
    void pathsWithoutACheckpointAreRejected() {
        assertThrows(NoSuchFileException.class, () -> TfBertCheckpointImporter.read(dir, 2));
        assertThrows(NoSuchFileException.class, () -> TfBertCheckpointImporter.read(dir.resolve("nothing"), 2));
    }

    @Test
    void tensorFlowNamesMapToHuggingFaceNames() {
        assertMaps("module/bert/embeddings/word_embeddings", "embeddings.word_embeddings.weight", false);
        assertMaps("bert/embeddings/LayerNorm/gamma", "embeddings.LayerNorm.weight", false);
        assertMaps("bert/encoder/layer_11/attention/self/query/kernel", "encoder.layer.11.attention.self.query.weight", true);
        assertMaps("bert/encoder/layer_3/attention/output/dense/bias", "encoder.layer.3.attention.output.dense.bias", false);
        assertMaps("bert/encoder/layer_3/output/LayerNorm/beta", "encoder.layer.3.output.LayerNorm.bias", false);
        assertMaps("module/cls/predictions/output_bias", "cls.predictions.bias", false);
        assertMaps("cls/predictions/transform/dense/kernel", "cls.predictions.transform.dense.weight", true);
        assertMaps("cls/seq_relationship/output_weights", "cls.seq_relationship.weight", false);
        for (String ignored : List.of("global_step", "bert/encoder/layer_0/output/dense/kernel/adam_m",
                "bert/encoder/layer_0/output/dense/kernel/adam_v", "bert/embeddings/word_embeddings/Adam",
                "other/dense/kernel", "bert/encoder/layer_x/output/dense/kernel", "")) {
            assertEquals(Optional.empty(), TfBertNames.toHuggingFace(ignored), ignored);
        }
    }

    private static void assertMaps(String tf, String hf, boolean transpose) {
        assertEquals(Optional.of(new TfBertNames.Mapping(hf, transpose)), TfBertNames.toHuggingFace(tf), tf);
    }

    private static void assertFailsWith(Path model, String fragment) {
        IOException e = assertThrows(CheckpointFormatException.class, () -> TfBertCheckpointImporter.read(model, 2));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
