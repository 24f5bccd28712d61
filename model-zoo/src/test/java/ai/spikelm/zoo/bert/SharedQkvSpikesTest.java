package ai.spikelm.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import ai.spikelm.zoo.core.WeightsMismatchException;
import ai.spikelm.zoo.weights.HostTensor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
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

    /**
     * With learnable α, {@code shared_qkv_alpha} gives Q, K and V one α parameter, so a training
     * pass spikes once for them and the one α gets the sum of what the three sites pass back: the
     * same gradients as three separate neurons on the same parameter (the monitor keeps them apart).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void learnableAlphaSharedByQkvTrainsAsThreeSitesOnOneParameter(int timeSteps) {
        SpikingConfig spiking = SpikingConfig.builder().optTimeSteps(timeSteps).optAlphaLearnable(true).optSharedQkvAlpha(true).build();
        SpikeBertConfig config = TinyBert.config(spiking)
                .toBuilder().optHiddenDropoutProb(0).optAttentionProbsDropoutProb(0).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertForSequenceClassification model = new SpikeBertForSequenceClassification(config);
            model.initialize(manager);
            TinyBert.randomize(model, 12);
            TinyBert.hidden(model, manager);
            Map<String, AbstractElasticSpikingBlock> sites = HfWeights.spikingSites(model);
            String layer = "bert.encoder.layer.1.attention.self.";
            AbstractElasticSpikingBlock q = sites.get(layer + "query.neuron");
            AbstractElasticSpikingBlock k = sites.get(layer + "key.neuron");
            AbstractElasticSpikingBlock v = sites.get(layer + "value.neuron");
            assertTrue(q.sharesAmplitudeWith(k) && q.sharesAmplitudeWith(v), "one α parameter");
            assertFalse(q.sharesAmplitudeWith(sites.get(layer + "key_spike")), "the K/V quantisers keep their own");
            assertTrue(q.sameSpikesAs(k, true), "learnable but shared: one set of spikes in training");

            Map<String, float[]> shared = gradients(model, manager);
            Map<String, float[]> separate;
            try (SpikeMonitor monitor = SpikeMonitor.attach(model)) {
                assertFalse(q.sameSpikesAs(k, true));
                separate = gradients(model, manager);
            }
            assertEquals(separate.keySet(), shared.keySet());
            assertFalse(shared.containsKey(layer + "key.neuron.alpha"), "one gradient per parameter: " + shared.keySet());
            float[] alphaGradient = shared.get(layer + "query.neuron.alpha");
            assertTrue(Math.abs(alphaGradient[0]) > 0f, "α learns");
            for (String name : separate.keySet()) {
                float[] want = separate.get(name);
                float scale = 0f;
                for (float x : want) {
                    scale = Math.max(scale, Math.abs(x));
                }
                assertArrayEquals(want, shared.get(name), 1e-5f * scale + 1e-7f, name);
            }

            float[] raised = q.getAmplitudes();
            raised[0] *= 1.5f;
            q.setAmplitudes(raised);
            assertArrayEquals(raised, v.getAmplitudes(), 0f, "one α: setting Q's sets V's");
        }
    }

    /**
     * A checkpoint loads into a model whose Q, K and V share α only if it holds one value for the
     * three (as a converted or frozen-α one does); otherwise the load fails naming the sites.
     */
    @Test
    void sharedAlphaLoadsOnlyEqualValues() {
        SpikingConfig untied = SpikingConfig.builder().optAlphaLearnable(true).build();
        SpikingConfig tied = untied.toBuilder().optSharedQkvAlpha(true).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertForSequenceClassification source = new SpikeBertForSequenceClassification(TinyBert.config(untied));
            source.initialize(manager);
            TinyBert.randomize(source, 13);
            TinyBert.hidden(source, manager);
            Map<String, HostTensor> equal = HfWeights.export(source);

            SpikeBertForSequenceClassification target = new SpikeBertForSequenceClassification(TinyBert.config(tied));
            target.initialize(manager);
            HfWeights.load(target, equal, name -> false, name -> false);
            String query = "bert.encoder.layer.0.attention.self.query.neuron";
            assertArrayEquals(HfWeights.spikingSites(source).get(query).getAmplitudes(),
                    HfWeights.spikingSites(target).get(query).getAmplitudes(), 0f);

            AbstractElasticSpikingBlock value = HfWeights.spikingSites(source).get("bert.encoder.layer.0.attention.self.value.neuron");
            float[] moved = value.getAmplitudes();
            moved[0] *= 1.25f;
            value.setAmplitudes(moved);
            Map<String, HostTensor> unequal = HfWeights.export(source);
            WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                    () -> HfWeights.load(target, unequal, name -> false, name -> false));
            assertTrue(e.getMessage().contains("attention.self.value.neuron.alpha")
                    && e.getMessage().contains("shared_qkv_alpha"), e.getMessage());
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
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (e.getValue().requiresGradient() && seen.add(e.getValue())) { // a shared parameter once
                NDArray gradient = e.getValue().getArray().getGradient();
                out.put(e.getKey(), gradient.toFloatArray());
                gradient.muli(0f); // the next pass starts from zero
            }
        }
        return out;
    }
}
