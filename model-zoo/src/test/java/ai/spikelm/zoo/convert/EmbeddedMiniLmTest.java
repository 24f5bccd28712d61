package ai.spikelm.zoo.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertModel;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.ServingProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The embedded all-MiniLM-L6-v2 (the LangChain4j jar is a test dependency) as a model folder. */
class EmbeddedMiniLmTest {

    @Test
    void directoryHoldsTheOnnxWeightsAsAHuggingFaceFolderOncePerJvm() throws Exception {
        assertTrue(EmbeddedMiniLm.isAvailable());
        Path dir = EmbeddedMiniLm.directory();
        assertSame(dir, EmbeddedMiniLm.directory(), "converted once, then reused");
        for (String file : new String[] {"config.json", "model.safetensors", "tokenizer.json", ServingProperties.FILE_NAME}) {
            assertTrue(Files.isRegularFile(dir.resolve(file)), file);
        }
        assertEquals(Files.readString(EmbeddedMiniLm.tokenizerFile()), Files.readString(dir.resolve("tokenizer.json")));

        SpikeBertConfig config = SpikeBertConfig.load(dir.resolve("config.json"));
        // all-MiniLM-L6-v2: 6 layers, 384 wide, 12 heads, 30522 word pieces; saved as the plain encoder.
        assertEquals(6, config.numHiddenLayers());
        assertEquals(384, config.hiddenSize());
        assertEquals(12, config.numAttentionHeads());
        assertEquals(30522, config.vocabSize());
        assertTrue(!config.spiking().isSpiking(), "saved as an ANN");

        ImportedBert onnx = EmbeddedMiniLm.importWeights();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertPreTrainedModel model = SpikeBertLoader.builder().setModelDir(dir).build().load(manager);
            assertTrue(model instanceof SpikeBertModel, model.architecture());
            for (String name : new String[] {"embeddings.word_embeddings.weight", "encoder.layer.5.output.dense.weight"}) {
                float[] saved = HfWeights.parameters(model).get(name).getArray().toFloatArray();
                assertArrayEquals(onnx.tensors().get(name).toFloatArray(), saved, 0f, name);
            }
        }
    }
}
