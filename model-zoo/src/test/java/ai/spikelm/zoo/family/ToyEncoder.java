package ai.spikelm.zoo.family;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Blocks;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.ops.neuron.ElasticBiSpikingNeuron;
import ai.spikelm.ops.nn.SpikingLinear;
import ai.spikelm.ops.nn.TimeAxis;
import ai.spikelm.zoo.core.EmbeddingTable;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.ServingProperties;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.weights.HostTensor;
import ai.spikelm.zoo.weights.SafetensorsWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The model of {@link ToyFamily}, a family that exists only in this test: token embeddings, one
 * spiking linear layer over T time steps, the mean over T. Small, but every piece family-agnostic
 * code relies on is there: {@link #inputs}, spike sites that calibrate over a mask, Hugging Face
 * tensor names and a saved directory.
 */
final class ToyEncoder extends AbstractBlock implements EncoderModel {

    private final ToyFamily.Config config;
    private final EmbeddingTable embeddings;
    private final SpikingLinear dense;

    @SuppressWarnings("this-escape")
    ToyEncoder(ToyFamily.Config config) {
        this.config = config;
        embeddings = addChildBlock("embeddings", new EmbeddingTable("token id", config.vocabSize(), config.hiddenSize(), 0.5f));
        dense = addChildBlock(
                "dense",
                SpikingLinear.builder()
                        .setUnits(config.hiddenSize())
                        .setNeuron(config.timeSteps() > 0
                                ? ElasticBiSpikingNeuron.builder().setTimeSteps(config.timeSteps()).build()
                                : Blocks.identityBlock())
                        .build());
    }

    void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        embeddings.initialize(manager, dataType, inputShapes[0]);
        dense.initialize(manager, dataType, new Shape(steps(), 1, 1, config.hiddenSize()));
    }

    private int steps() {
        return Math.max(1, config.timeSteps());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = embeddings.forward(ps, new NDList(inputs.get(0)), training).singletonOrThrow();
        NDArray spiked = dense.forward(ps, new NDList(TimeAxis.repeat(tokens, steps())), training).singletonOrThrow();
        return new NDList(TimeAxis.mean(spiked));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.hiddenSize())};
    }

    @Override
    public NDList inputs(EncodedBatch batch, NDManager manager) {
        return new NDList(manager.create(batch.inputIds()), manager.create(batch.attentionMask()));
    }

    @Override
    public void loadWeights(Map<String, HostTensor> checkpoint) {
        HfWeights.load(this, checkpoint, n -> false, n -> false);
    }

    @Override
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("model_type", ToyFamily.MODEL_TYPE);
        json.put("vocab_size", config.vocabSize());
        json.put("hidden_size", config.hiddenSize());
        json.put("max_position_embeddings", config.positions());
        json.put("time_steps", config.timeSteps());
        Files.writeString(dir.resolve("config.json"), json.toPrettyString());
        SafetensorsWriter.write(dir.resolve("model.safetensors"), HfWeights.export(this), Map.of("format", "pt"));
        ServingProperties.write(dir);
    }

    @Override
    public String architecture() {
        return "ToyEncoder";
    }

    @Override
    public ModelShape shape() {
        return new ModelShape(config.vocabSize(), config.positions(), config.hiddenSize(), 1, 1);
    }

    @Override
    public SpikingConfig spiking() {
        return config.timeSteps() > 0 ? SpikingConfig.builder().optTimeSteps(config.timeSteps()).build() : SpikingConfig.ANN;
    }
}
