package ai.spikelm.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.nn.TimeAxis;
import ai.spikelm.zoo.core.SpikingConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The optional per-layer hidden states leave the default outputs alone and are in HF order. */
class HiddenStatesTest {

    private static final SpikingConfig T2 = SpikingConfig.builder().optTimeSteps(2).build();

    @Test
    void everyArchitectureAppendsEmbeddingAndLayerStates() {
        SpikeBertConfig config = TinyBert.config(T2).toBuilder().optHiddenDropoutProb(0).build();
        for (SpikeBertPreTrainedModel model :
                List.of(
                        new SpikeBertModel(config),
                        new SpikeBertModel(config, false),
                        new SpikeBertForSequenceClassification(config),
                        new SpikeBertForMaskedLM(config),
                        new SpikeBertForPreTraining(config))) {
            try (NDManager manager = NDManager.newBaseManager()) {
                model.initialize(manager);
                TinyBert.randomize(model, 7);
                NDList plain = TinyBert.run(model, manager, TinyBert.batch(manager)); // calibrates
                var both =
                        model.forwardWithHiddenStates(
                                new ParameterStore(manager, false), TinyBert.batch(manager), false);
                String name = model.architecture();
                assertEquals(plain.size(), both.outputs().size(), name);
                for (int i = 0; i < plain.size(); i++) {
                    assertArrayEquals(
                            plain.get(i).toFloatArray(), both.outputs().get(i).toFloatArray(), 0f, name);
                }
                NDList states = both.hiddenStates();
                assertEquals(config.numHiddenLayers() + 1, states.size(), name);
                for (var state : states) {
                    assertEquals(new Shape(3, 5, 16), state.getShape(), name);
                }
                NDList encoded = TinyBert.run(model.getBert(), manager, TinyBert.batch(manager));
                assertArrayEquals(
                        encoded.get(0).toFloatArray(),
                        states.get(config.numHiddenLayers()).toFloatArray(),
                        0f,
                        "the last state is last_hidden_state: " + name);
                NDList ids = TinyBert.batch(manager);
                NDList embedded =
                        TinyBert.run(
                                model.getBert().getEmbeddings(), manager, new NDList(ids.get(0), ids.get(2)));
                assertArrayEquals(
                        embedded.singletonOrThrow().toFloatArray(),
                        states.get(0).toFloatArray(),
                        0f,
                        "the first state is the embedding output: " + name);
                NDList in = SpikeBertPreTrainedModel.encoderInputs(ids);
                var layer0 = model.getBert().getChildren().get("02encoder").getChildren().get(0).getValue();
                NDList first =
                        TinyBert.run(
                                layer0,
                                manager,
                                new NDList(TimeAxis.repeat(embedded.singletonOrThrow(), 2), in.get(1)));
                assertArrayEquals(
                        TimeAxis.mean(first.singletonOrThrow()).toFloatArray(),
                        states.get(1).toFloatArray(),
                        0f,
                        "the second state is layer 0 averaged over T: " + name);
            }
        }
    }
}
