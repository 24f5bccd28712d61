package ai.spikelm.zoo.family;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.weights.CheckpointReader;
import ai.spikelm.zoo.weights.SafetensorsCheckpoint;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * A model family added by a test through the registry alone: listed in the test class path's {@code
 * META-INF/services/ai.spikelm.zoo.family.ModelFamily}, with no edit anywhere else. {@code
 * model_type: toy-encoder}; {@code config.json} holds {@code vocab_size}, {@code hidden_size},
 * {@code max_position_embeddings} and {@code time_steps} (0 for an ANN).
 */
public final class ToyFamily implements ModelFamily {

    /** The model type this family reads. */
    public static final String MODEL_TYPE = "toy-encoder";

    /** The settings of a toy encoder. */
    record Config(int vocabSize, int hiddenSize, int positions, int timeSteps) {}

    /** Creates the family (for {@link java.util.ServiceLoader}). */
    public ToyFamily() {}

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public String displayName() {
        return "Toy encoder";
    }

    @Override
    public Set<ModelKind> kinds() {
        return Set.of(ModelKind.ENCODER);
    }

    private static Config read(Path configJson) throws IOException {
        JsonNode json = new ObjectMapper().readTree(configJson.toFile());
        return new Config(
                json.get("vocab_size").asInt(),
                json.get("hidden_size").asInt(),
                json.get("max_position_embeddings").asInt(),
                json.get("time_steps").asInt());
    }

    @Override
    public SpikingConfig savedSpiking(Path configJson) throws IOException {
        int steps = read(configJson).timeSteps();
        return steps > 0 ? SpikingConfig.builder().optTimeSteps(steps).build() : SpikingConfig.ANN;
    }

    @Override
    public TrainableModel load(LoadRequest request, NDManager manager) throws IOException {
        Config saved = read(request.configFile());
        SpikingConfig spiking = request.spiking(savedSpiking(request.configFile()));
        Config config = new Config(saved.vocabSize(), saved.hiddenSize(), saved.positions(), spiking.isSpiking() ? spiking.timeSteps() : 0);
        ToyEncoder model = new ToyEncoder(config);
        try (CheckpointReader checkpoint = SafetensorsCheckpoint.open(request.modelDir(), request.allowPickle())) {
            model.initialize(manager);
            model.loadWeights(checkpoint.tensors());
        }
        return model;
    }

    @Override
    public TrainableModel create(ModelKind kind, ModelShape shape, SpikingConfig spiking, NDManager manager) {
        ToyEncoder model = new ToyEncoder(
                new Config(shape.vocabSize(), shape.hiddenSize(), shape.maxPositions(), spiking.isSpiking() ? spiking.timeSteps() : 0));
        model.initialize(manager);
        return model;
    }
}
