package ai.spikelm.langchain4j;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.convert.BertCheckpointImport;
import ai.spikelm.zoo.core.SpikingConfig;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.common.AbstractEmbeddingModelIT;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** LangChain4j's own embedding-model test kit, run on the SpikeLM embedding model (real MiniLM). */
@org.junit.jupiter.api.extension.ExtendWith(KitModels.class)
class SpikeLmEmbeddingModelKitTest extends AbstractEmbeddingModelIT {

    @TempDir static Path dir;
    static Path minilm;

    @BeforeAll
    static void convert() throws Exception {
        Path onnx = dir.resolve("minilm.onnx");
        try (InputStream in = SpikeLmEmbeddingModelKitTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            Files.copy(in, onnx);
        }
        minilm = dir.resolve("minilm");
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertLoader.save(
                    BertCheckpointImport.fromOnnx(onnx).toModel(manager, SpikingConfig.ANN, "BertModel", false), minilm);
        }
        try (InputStream in = SpikeLmEmbeddingModelKitTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, minilm.resolve("tokenizer.json"));
        }
    }

    /** A fresh model per test: JUnit closes AutoCloseable arguments of parameterized tests. */
    @Override
    protected List<EmbeddingModel> models() {
        return List.of(SpikeLmEmbeddingModel.builder().modelPath(minilm).timeSteps(1).build());
    }

    @Override
    protected boolean supportsInputTypeParameter() {
        return false; // a symmetric sentence encoder: queries and documents are embedded alike
    }

    @Override
    protected boolean supportsDimensionsParameter() {
        return false;
    }

    @Override
    protected boolean supportsImageInput() {
        return false;
    }

    @Override
    protected boolean supportsInterleavedInput() {
        return false;
    }

    @Override
    protected EmbeddingModel modelWith(EmbeddingModelListener listener) {
        return KitModels.closedAfterTest(SpikeLmEmbeddingModel.builder().modelPath(minilm).listeners(List.of(listener)).build());
    }
}
