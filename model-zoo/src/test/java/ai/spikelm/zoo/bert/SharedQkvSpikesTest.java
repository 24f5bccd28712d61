package ai.spikelm.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.SpikingConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * In training, calibrated Q, K and V neurons with frozen α spike once for all three projections
 * (as in inference), and every gradient stays what three separate neurons give: compared with the
 * same model run with a monitor attached, which keeps the three sites apart.
 */
class SharedQkvSpikesTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void sharedSpikesTrainAsThreeSeparateNeurons(int timeSteps) {
        SpikeBertConfig config = TinyBert.config(SpikingConfig.builder().optTimeSteps(timeSteps).build())
                .toBuilder().optHiddenDropoutProb(0).optAttentionProbsDropoutProb(0).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertForSequenceClassification model = new SpikeBertForSequenceClassification(config);
            model.initialize(manager);
            TinyBert.randomize(model, 11);
            TinyBert.hidden(model, manager); // calibrates: Q, K and V get α from the same input
            Map<String, AbstractElasticSpikingBlock> sites = HfWeights.spikingSites(model);
            AbstractElasticSpikingBlock q = sites.get("bert.encoder.layer.0.attention.self.query.neuron");
            AbstractElasticSpikingBlock k = sites.get("bert.encoder.layer.0.attention.self.key.neuron");
            assertTrue(q.sameSpikesAs(k, true), "calibrated alike, frozen: shared in training " + sites.keySet());

            Map<String, float[]> shared = gradients(model, manager);
            Map<String, float[]> separate;
            try (SpikeMonitor monitor = SpikeMonitor.attach(model)) {
                assertFalse(q.sameSpikesAs(k, true), "a monitor keeps each site's statistics apart");
                separate = gradients(model, manager);
            }
            assertEquals(separate.keySet(), shared.keySet());
            int compared = 0;
            for (String name : separate.keySet()) {
                float[] want = separate.get(name);
                float[] got = shared.get(name);
                if (name.equals("logits")) {
                    assertArrayEquals(want, got, 0f, "forward values are the same spikes"); // exactly
                    continue;
                }
                float scale = 0f;
                for (float v : want) {
                    scale = Math.max(scale, Math.abs(v));
                }
                // The same sum of the three projections' gradients, added in another order.
                assertArrayEquals(want, got, 1e-5f * scale + 1e-7f, name);
                compared += scale > 0f ? 1 : 0;
            }
            assertTrue(compared > 20, "gradients reached most parameters: " + compared);
        }
    }

    /** One training pass (loss = Σ logits·c) and every parameter's gradient, plus the logits. */
    private static Map<String, float[]> gradients(SpikeBertForSequenceClassification model, NDManager manager) {
        Map<String, Parameter> parameters = HfWeights.parameters(model);
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager pass = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = model.forward(new ParameterStore(pass, false), TinyBert.batch(pass), true).get(0);
            NDArray weights = pass.arange((float) logits.size()).reshape(logits.getShape()).sub(0.7f);
            collector.backward(logits.mul(weights).sum());
            out.put("logits", logits.toFloatArray());
        }
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (e.getValue().requiresGradient()) {
                NDArray gradient = e.getValue().getArray().getGradient();
                out.put(e.getKey(), gradient.toFloatArray());
                gradient.muli(0f); // the next pass starts from zero
            }
        }
        return out;
    }
}
