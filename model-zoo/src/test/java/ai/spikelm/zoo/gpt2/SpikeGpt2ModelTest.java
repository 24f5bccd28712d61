package ai.spikelm.zoo.gpt2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.ops.stats.SiteStatistics;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.WeightsMismatchException;
import ai.spikelm.zoo.weights.HostTensor;
import ai.spikelm.zoo.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpikeGpt2ModelTest {

    private static final SpikingConfig T1 = SpikingConfig.builder().optTimeSteps(1).build();
    private static final SpikingConfig T2 = SpikingConfig.builder().optTimeSteps(2).build();
    private static final SpikingConfig T4 = SpikingConfig.builder().optTimeSteps(4).build();

    private static void assertMatchesReference(SpikeGpt2LMHeadModel model, NDArray logits, double tol) {
        ScalarSpikeGpt2 reference = new ScalarSpikeGpt2(model.getConfig(), model.exportWeights());
        double[][][] want = reference.forward(TinyGpt2.IDS);
        assertTrue(reference.margin > 1e-5, "a spike decision is too close to its threshold: " + reference.margin);
        float[] got = logits.toFloatArray();
        int l = want[0].length;
        int v = want[0][0].length;
        double worst = 0;
        for (int b = 0; b < want.length; b++) {
            for (int j = 0; j < l; j++) {
                for (int e = 0; e < v; e++) {
                    worst = Math.max(worst, Math.abs(want[b][j][e] - got[(b * l + j) * v + e]));
                }
            }
        }
        assertTrue(worst <= tol, "max |Δ| vs scalar reference = " + worst);
    }

    @Test
    void annMatchesScalarReference() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, SpikingConfig.ANN, 1);
            NDArray logits = TinyGpt2.logits(model, manager, TinyGpt2.IDS);
            assertEquals(new Shape(2, 7, TinyGpt2.VOCAB), logits.getShape());
            assertMatchesReference(model, logits, 1e-4);
        }
    }

    @Test
    void spikingMatchesScalarReferenceWithFixedAmplitudes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, T2, 2);
            assertEquals(2 * 6, HfWeights.spikingSites(model).size(), "6 spike sites per layer");
            TinyGpt2.fixAmplitudes(model, 3);
            assertMatchesReference(model, TinyGpt2.logits(model, manager, TinyGpt2.IDS), 1e-4);
        }
    }

    @Test
    void spikingMatchesScalarReferenceAfterCalibration() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, T4, 4);
            TinyGpt2.logits(model, manager, TinyGpt2.IDS); // the first batch calibrates every site
            for (AbstractElasticSpikingBlock site : HfWeights.spikingSites(model).values()) {
                assertTrue(site.isCalibrated());
            }
            assertMatchesReference(model, TinyGpt2.logits(model, manager, TinyGpt2.IDS), 1e-4);
        }
    }

    @Test
    void hfTensorNamesAndConv1dLayout() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, T2, 5);
            Map<String, HostTensor> weights = model.exportWeights();
            assertArrayEquals(new long[] {60, 16}, weights.get("transformer.wte.weight").shape());
            assertArrayEquals(new long[] {32, 16}, weights.get("transformer.wpe.weight").shape());
            assertArrayEquals(new long[] {16, 48}, weights.get("transformer.h.0.attn.c_attn.weight").shape());
            assertArrayEquals(new long[] {48}, weights.get("transformer.h.0.attn.c_attn.bias").shape());
            assertArrayEquals(new long[] {16, 16}, weights.get("transformer.h.1.attn.c_proj.weight").shape());
            assertArrayEquals(new long[] {16, 64}, weights.get("transformer.h.1.mlp.c_fc.weight").shape());
            assertArrayEquals(new long[] {64, 16}, weights.get("transformer.h.1.mlp.c_proj.weight").shape());
            assertArrayEquals(new long[] {16}, weights.get("transformer.h.0.ln_1.weight").shape());
            assertArrayEquals(new long[] {16}, weights.get("transformer.ln_f.bias").shape());
            assertArrayEquals(new long[] {2}, weights.get("transformer.h.0.attn.c_attn.neuron.alpha").shape());
            assertTrue(weights.containsKey("transformer.h.0.attn.key_spike.alpha"));
            assertTrue(weights.containsKey("transformer.h.0.attn.value_spike.calibrated"));
            assertFalse(weights.containsKey("lm_head.weight"), "the head is tied");
            long hfTensors = weights.keySet().stream().filter(n -> !n.endsWith(".alpha") && !n.endsWith(".calibrated")).count();
            assertEquals(2 + 2 * 12 + 2, hfTensors, "the tensors of GPT2LMHeadModel, nothing else");
        }
    }

    @Test
    void initialisationFollowsHuggingFace() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2Config config = TinyGpt2.config(SpikingConfig.ANN).toBuilder().optNEmbd(64).optNHead(4).build();
            SpikeGpt2LMHeadModel model = new SpikeGpt2LMHeadModel(config);
            model.initialize(manager);
            Map<String, HostTensor> w = model.exportWeights();
            double cFc = std(w.get("transformer.h.0.mlp.c_fc.weight").toFloatArray());
            double cProj = std(w.get("transformer.h.0.mlp.c_proj.weight").toFloatArray());
            assertEquals(0.02, cFc, 0.002);
            assertEquals(0.02 / Math.sqrt(2 * 2), cProj, 0.001, "c_proj is scaled by 1/√(2·n_layer)");
            assertEquals(0.0, std(w.get("transformer.h.0.mlp.c_fc.bias").toFloatArray()), 0);
            assertEquals(1f, w.get("transformer.ln_f.weight").toFloatArray()[3]);
        }
    }

    private static double std(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum / v.length);
    }

    @Test
    void futureTokensDoNotChangeEarlierLogits() {
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T4)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, spiking, 6);
                float[] a = TinyGpt2.logits(model, manager, new long[][] {{3, 17, 5, 33, 8, 41, 12}}).toFloatArray();
                float[] b = TinyGpt2.logits(model, manager, new long[][] {{3, 17, 5, 33, 50, 2, 44}}).toFloatArray();
                int v = TinyGpt2.VOCAB;
                assertArrayEquals(
                        java.util.Arrays.copyOf(a, 4 * v), java.util.Arrays.copyOf(b, 4 * v), 1e-5f, spiking.toString());
                assertNotEquals(a[4 * v], b[4 * v], "position 4 sees the changed token");
                // A prefix alone gives the same logits as inside the longer sequence.
                float[] prefix = TinyGpt2.logits(model, manager, new long[][] {{3, 17, 5}}).toFloatArray();
                assertArrayEquals(java.util.Arrays.copyOf(a, 3 * v), prefix, 1e-5f, spiking.toString());
            }
        }
    }

    @Test
    void rightPaddingDoesNotChangeRealTokens() {
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T4)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, spiking, 7);
                NDList padded =
                        new NDList(
                                manager.create(new long[][] {{3, 17, 5, 33, 8}, {9, 31, 0, 0, 0}}),
                                manager.create(new long[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}}));
                NDArray both = TinyGpt2.run(model, manager, padded).singletonOrThrow();
                NDArray alone = TinyGpt2.logits(model, manager, new long[][] {{9, 31, 0}});
                assertArrayEquals(
                        alone.toFloatArray(), both.get("1, :3, :").toFloatArray(), 1e-5f, spiking.toString());
                assertTrue(both.isInfinite().logicalOr(both.isNaN()).none().getBoolean(), "padding rows stay finite");
            }
        }
    }

    /** Cached decoding (prompt, then chunks and single tokens) against a full recompute. */
    @Test
    void cachedDecodingEqualsFullRecompute() {
        long[][] sequence = {{3, 17, 5, 33, 8, 41, 12, 57, 0, 22, 22, 7, 19}, {9, 31, 0, 58, 22, 22, 7, 1, 2, 3, 4, 5, 6}};
        int[] chunks = {5, 1, 1, 3, 1, 2};
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T1, T4)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, spiking, 8);
                TinyGpt2.logits(model, manager, TinyGpt2.IDS); // calibrate α (a no-op for the ANN)
                NDArray full = TinyGpt2.logits(model, manager, sequence);
                ParameterStore ps = new ParameterStore(manager, false);
                try (Gpt2Cache cache = model.newCache(manager)) {
                    int start = 0;
                    List<NDArray> pieces = new ArrayList<>();
                    for (int chunk : chunks) {
                        NDArray ids = manager.create(sequence).get(":, " + start + ":" + (start + chunk));
                        pieces.add(model.forward(ps, new NDList(ids), cache).singletonOrThrow());
                        start += chunk;
                        assertEquals(start, cache.length());
                    }
                    NDArray cached = pieces.get(0).concat(
                            ai.djl.ndarray.NDArrays.concat(new NDList(pieces.subList(1, pieces.size())), 1), 1);
                    float worst = full.sub(cached).abs().max().getFloat();
                    assertTrue(worst <= 1e-4f, spiking + ": max |cached − full| = " + worst);
                    int t = spiking.timeSteps();
                    assertEquals(new Shape(t, 2, 2, 13, 8), cache.keys(1).getShape(), "keys per time step");
                }
            }
        }
    }

    @Test
    void spikesOfANewTokenDependOnlyOnItsOwnPosition() {
        // The neurons integrate over T at one position: spiking the same layer input alone or inside
        // a longer sequence gives the same spikes, which is what makes the key/value cache exact.
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, T4, 9);
            TinyGpt2.fixAmplitudes(model, 10);
            AbstractElasticSpikingBlock neuron =
                    HfWeights.spikingSites(model).get("transformer.h.0.mlp.c_fc.neuron");
            NDArray x = manager.randomNormal(new Shape(4, 1, 6, 16));
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray all = neuron.forward(ps, new NDList(x), false).singletonOrThrow();
            NDArray last = neuron.forward(ps, new NDList(x.get(":, :, 5:, :")), false).singletonOrThrow();
            assertArrayEquals(all.get(":, :, 5:, :").toFloatArray(), last.toFloatArray(), 0f);
        }
    }

    @Test
    void cacheRefusesOverflowOtherModelsAndOtherBatches() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, SpikingConfig.ANN, 11);
            SpikeGpt2LMHeadModel other = TinyGpt2.model(manager, SpikingConfig.ANN, 12);
            ParameterStore ps = new ParameterStore(manager, false);
            try (Gpt2Cache cache = model.newCache(manager)) {
                model.forward(ps, new NDList(manager.create(new long[30]).reshape(1, 30)), cache);
                IllegalArgumentException full =
                        assertThrows(
                                IllegalArgumentException.class,
                                () -> model.forward(ps, new NDList(manager.create(new long[3]).reshape(1, 3)), cache));
                assertTrue(full.getMessage().contains("n_positions = 32"), full.getMessage());
                assertEquals(30, cache.length(), "a failed pass leaves the cache as it was");
                assertThrows(
                        IllegalArgumentException.class,
                        () -> model.forward(ps, new NDList(manager.create(new long[2]).reshape(2, 1)), cache));
                assertThrows(
                        IllegalArgumentException.class,
                        () -> other.forward(ps, new NDList(manager.create(new long[1]).reshape(1, 1)), cache));
                cache.clear();
                assertEquals(0, cache.length());
                model.forward(ps, new NDList(manager.create(new long[2]).reshape(2, 1)), cache);
                assertEquals(2, cache.batchSize());
            }
            assertThrows(
                    IllegalArgumentException.class,
                    () -> TinyGpt2.logits(model, manager, new long[1][33]),
                    "longer than the context");
            assertThrows(IllegalArgumentException.class, () -> TinyGpt2.logits(model, manager, new long[][] {{60}}));
        }
    }

    @Test
    void corruptWeightsAreAnErrorAndLeaveTheCacheAsItWas() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, T2, 17);
            ParameterStore ps = new ParameterStore(manager, false);
            try (Gpt2Cache cache = model.newCache(manager)) {
                model.forward(ps, new NDList(manager.create(new long[][] {{1, 2}})), cache);
                float[] gamma = new float[16];
                gamma[3] = Float.NaN;
                HfWeights.parameters(model).get("transformer.ln_f.weight").getArray().set(gamma);
                IllegalStateException e =
                        assertThrows(
                                IllegalStateException.class,
                                () -> model.forward(ps, new NDList(manager.create(new long[][] {{3}})), cache));
                assertTrue(e.getMessage().contains("NaN"), e.getMessage());
                assertEquals(2, cache.length());
                assertEquals(2, cache.keys(0).getShape().get(3));
            }
        }
    }

    @Test
    void saveAndLoadGiveIdenticalLogits(@TempDir Path dir) throws IOException {
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T1, T4)) {
            Path modelDir = dir.resolve("model-" + spiking.timeSteps() + spiking.isSpiking());
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, spiking, 13);
                float[] before = TinyGpt2.logits(model, manager, TinyGpt2.IDS).toFloatArray(); // calibrates
                SpikeGpt2Loader.save(model, modelDir);

                SpikeGpt2PreTrainedModel loaded = SpikeGpt2Loader.builder().setModelDir(modelDir).build().load(manager);
                assertTrue(loaded instanceof SpikeGpt2LMHeadModel);
                assertEquals(List.of("GPT2LMHeadModel"), loaded.getConfig().architectures());
                assertEquals(model.getConfig(), loaded.getConfig().toBuilder().optArchitectures(List.of()).build());
                for (AbstractElasticSpikingBlock site : HfWeights.spikingSites(loaded).values()) {
                    assertTrue(site.isCalibrated(), "calibration must survive the round trip");
                }
                float[] after = TinyGpt2.logits(loaded, manager, TinyGpt2.IDS).toFloatArray();
                assertArrayEquals(before, after, 0f, spiking.toString());

                // The bare transformer loads from the same directory (prefix stripped).
                SpikeGpt2PreTrainedModel base =
                        SpikeGpt2Loader.builder().setModelDir(modelDir).optArchitecture("GPT2Model").build().load(manager);
                assertEquals(new Shape(2, 7, 16), TinyGpt2.logits(base, manager, TinyGpt2.IDS).getShape());
            }
        }
    }

    /** What checkpoints saved by Hugging Face look like: no prefix, mask buffers, a tied head copy. */
    @Test
    void huggingFaceCheckpointConventionsLoad(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel ann = TinyGpt2.model(manager, SpikingConfig.ANN, 14);
            float[] want = TinyGpt2.logits(ann, manager, TinyGpt2.IDS).toFloatArray();
            Map<String, HostTensor> hf = new LinkedHashMap<>();
            ann.exportWeights().forEach((name, t) -> hf.put(name.substring("transformer.".length()), t));
            for (int i = 0; i < 2; i++) {
                hf.put("h." + i + ".attn.bias", HostTensor.ofFloats(new long[] {1, 1, 32, 32}, new float[32 * 32]));
                hf.put("h." + i + ".attn.masked_bias", HostTensor.ofFloats(new long[0], new float[] {-1e4f}));
            }
            hf.put("lm_head.weight", hf.get("wte.weight"));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), hf);
            ann.getConfig().toBuilder().optArchitectures(List.of("GPT2LMHeadModel")).build().save(dir);

            SpikeGpt2LMHeadModel loaded = SpikeGpt2Loader.builder().setModelDir(dir).build().loadLanguageModel(manager);
            assertArrayEquals(want, TinyGpt2.logits(loaded, manager, TinyGpt2.IDS).toFloatArray(), 0f);

            // The same checkpoint as a SpikeLM at T = 4: loads uncalibrated, calibrates on its first batch.
            SpikeGpt2LMHeadModel spiking =
                    SpikeGpt2Loader.builder().setModelDir(dir).optSpiking(T4).build().loadLanguageModel(manager);
            for (AbstractElasticSpikingBlock site : HfWeights.spikingSites(spiking).values()) {
                assertFalse(site.isCalibrated());
            }
            try (SpikeMonitor monitor = SpikeMonitor.attach(spiking)) {
                TinyGpt2.logits(spiking, manager, TinyGpt2.IDS);
                List<SiteStatistics> sites = monitor.snapshot();
                assertEquals(12, sites.stream().filter(SiteStatistics::hasSpikes).count());
                for (SiteStatistics s : sites) {
                    if (s.hasSpikes()) {
                        assertEquals(4, s.timeSteps());
                        assertTrue(s.firingRate() > 0.05 && s.firingRate() < 0.95, s.toString());
                    }
                }
                assertEquals(2, sites.stream().filter(s -> s.name().endsWith(".attn")).count());
                assertEquals(1, sites.stream().filter(s -> s.name().equals("root")).count(), "the LM head");
            }
        }
    }

    @Test
    void mismatchedWeightsAreListedInOneError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, SpikingConfig.ANN, 15);
            Map<String, HostTensor> weights = new LinkedHashMap<>(model.exportWeights());
            weights.remove("transformer.h.1.mlp.c_proj.bias");
            // A Linear-layout [out, in] c_fc is caught by its shape.
            weights.put("transformer.h.0.mlp.c_fc.weight", HostTensor.ofFloats(new long[] {64, 16}, new float[1024]));
            weights.put("transformer.h.0.attn.mystery", HostTensor.ofFloats(new long[] {1}, new float[1]));
            WeightsMismatchException e = assertThrows(WeightsMismatchException.class, () -> model.loadWeights(weights));
            assertEquals(List.of("transformer.h.1.mlp.c_proj.bias"), e.missing());
            assertEquals(List.of("transformer.h.0.attn.mystery"), e.unexpected());
            assertEquals(1, e.mismatched().size());
            assertTrue(e.mismatched().get(0).startsWith("transformer.h.0.mlp.c_fc.weight"), e.getMessage());

            Map<String, HostTensor> untied = new LinkedHashMap<>(model.exportWeights());
            float[] head = untied.get("transformer.wte.weight").toFloatArray();
            head[7] += 1f;
            untied.put("lm_head.weight", HostTensor.ofFloats(new long[] {60, 16}, head));
            WeightsMismatchException u = assertThrows(WeightsMismatchException.class, () -> model.loadWeights(untied));
            assertTrue(u.getMessage().contains("untied"), u.getMessage());
        }
    }

    @Test
    void repeatedCachedDecodingLeavesNothingOnTheModelManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, T4, 16);
            try (SpikeMonitor monitor = SpikeMonitor.attach(model)) {
                int before = -1;
                for (int i = 0; i < 12; i++) {
                    try (NDManager call = manager.newSubManager()) {
                        ParameterStore ps = new ParameterStore(call, false);
                        try (Gpt2Cache cache = model.newCache(call)) {
                            model.forward(ps, new NDList(call.create(new long[][] {{1, 2, 3}})), cache);
                            model.forward(ps, new NDList(call.create(new long[][] {{4}})), cache).get(0).toFloatArray();
                        }
                        TinyGpt2.logits(model, call, TinyGpt2.IDS).toFloatArray();
                    }
                    int now = ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size();
                    if (i == 1) {
                        before = now; // after calibration
                    } else if (i > 1) {
                        assertEquals(before, now, "arrays left on the model's manager after call " + i);
                    }
                }
            }
        }
    }
}
