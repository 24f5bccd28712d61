package ai.spikelm.zoo.bart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpikeBartModelTest {

    private static final SpikingConfig T1 = SpikingConfig.builder().optTimeSteps(1).build();
    private static final SpikingConfig T4 = SpikingConfig.builder().optTimeSteps(4).build();

    private static double maxDiff(double[][][] want, float[] got) {
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
        return worst;
    }

    private static ScalarBart reference(SpikeBartForConditionalGeneration model) {
        SpikeBartConfig c = model.getConfig();
        return new ScalarBart(c.vocabSize(), c.dModel(), c.encoderLayers(), c.decoderLayers(),
                c.encoderAttentionHeads(), c.decoderAttentionHeads(), c.scaleEmbedding(), TinyBart.floats(model));
    }

    /** The DJL ANN against the plain-Java BART: this is what proves the block is an exact BART. */
    @Test
    void annMatchesPlainJavaReference() {
        for (boolean scale : new boolean[] {false, true}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeBartConfig config = TinyBart.config(SpikingConfig.ANN).toBuilder().optScaleEmbedding(scale).build();
                SpikeBartForConditionalGeneration model = TinyBart.model(manager, config, 1);
                NDList out = TinyBart.run(model, manager,
                        new NDList(manager.create(TinyBart.SOURCE), manager.create(TinyBart.TARGET)));
                assertEquals(new Shape(2, 5, TinyBart.VOCAB), out.get(0).getShape());
                assertEquals(new Shape(2, 7, 16), out.get(1).getShape(), "encoder_last_hidden_state");
                double worst = maxDiff(reference(model).forward(TinyBart.SOURCE, null, TinyBart.TARGET),
                        out.get(0).toFloatArray());
                assertTrue(worst <= 1e-4, "scale_embedding=" + scale + ": max |Δ| vs plain-Java BART = " + worst);
            }
        }
    }

    @Test
    void annWithSourcePaddingMatchesPlainJavaReference() {
        long[][] mask = {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0}};
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBartForConditionalGeneration model = TinyBart.model(manager, SpikingConfig.ANN, 2);
            NDArray logits = TinyBart.run(model, manager, new NDList(manager.create(TinyBart.SOURCE),
                    manager.create(mask), manager.create(TinyBart.TARGET))).get(0);
            double worst = maxDiff(reference(model).forward(TinyBart.SOURCE, mask, TinyBart.TARGET), logits.toFloatArray());
            assertTrue(worst <= 1e-4, "max |Δ| vs plain-Java BART = " + worst);
        }
    }

    @Test
    void sourcePaddingDoesNotChangeTheResult() {
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T4)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeBartForConditionalGeneration model = TinyBart.model(manager, spiking, 3);
                TinyBart.logits(model, manager, TinyBart.SOURCE, TinyBart.TARGET); // calibrate
                NDArray alone = TinyBart.logits(model, manager, new long[][] {{0, 31, 9, 58}}, new long[][] {{2, 0, 3}});
                NDArray padded = TinyBart.run(model, manager, new NDList(
                        manager.create(new long[][] {{0, 31, 9, 58, 1, 1}}),
                        manager.create(new long[][] {{1, 1, 1, 1, 0, 0}}),
                        manager.create(new long[][] {{2, 0, 3}}))).get(0);
                assertArrayEquals(alone.toFloatArray(), padded.toFloatArray(), 1e-5f, spiking.toString());
            }
        }
    }

    @Test
    void hfTensorNamesAndShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBartForConditionalGeneration model = TinyBart.model(manager, T4, 5);
            Map<String, HostTensor> w = model.exportWeights();
            assertArrayEquals(new long[] {60, 16}, w.get("model.shared.weight").shape());
            assertArrayEquals(new long[] {34, 16}, w.get("model.encoder.embed_positions.weight").shape());
            assertArrayEquals(new long[] {34, 16}, w.get("model.decoder.embed_positions.weight").shape());
            assertArrayEquals(new long[] {16}, w.get("model.encoder.layernorm_embedding.weight").shape());
            assertArrayEquals(new long[] {16}, w.get("model.decoder.layernorm_embedding.bias").shape());
            assertArrayEquals(new long[] {16, 16}, w.get("model.encoder.layers.1.self_attn.q_proj.weight").shape());
            assertArrayEquals(new long[] {16}, w.get("model.encoder.layers.0.self_attn.out_proj.bias").shape());
            assertArrayEquals(new long[] {32, 16}, w.get("model.encoder.layers.0.fc1.weight").shape());
            assertArrayEquals(new long[] {16, 32}, w.get("model.encoder.layers.0.fc2.weight").shape());
            assertArrayEquals(new long[] {24, 16}, w.get("model.decoder.layers.1.fc1.weight").shape());
            assertArrayEquals(new long[] {16, 16}, w.get("model.decoder.layers.1.encoder_attn.k_proj.weight").shape());
            assertArrayEquals(new long[] {16}, w.get("model.decoder.layers.0.encoder_attn_layer_norm.weight").shape());
            assertArrayEquals(new long[] {16}, w.get("model.decoder.layers.0.final_layer_norm.bias").shape());
            assertArrayEquals(new long[] {1, 60}, w.get("final_logits_bias").shape());
            assertArrayEquals(new long[] {4}, w.get("model.decoder.layers.0.encoder_attn.v_proj.neuron.alpha").shape());
            assertTrue(w.containsKey("model.decoder.layers.0.encoder_attn.key_spike.calibrated"));
            assertFalse(w.containsKey("lm_head.weight"), "the head is tied");
            assertFalse(w.containsKey("model.encoder.embed_tokens.weight"), "the embeddings are tied");
            long hf = w.keySet().stream().filter(n -> !n.endsWith(".alpha") && !n.endsWith(".calibrated")).count();
            // shared, 2 × (positions + layernorm_embedding 2), encoder layers 16, decoder layers 26, final_logits_bias
            assertEquals(1 + 2 * 3 + 2 * 16 + 2 * 26 + 1, hf, "the tensors of BartForConditionalGeneration, nothing else");
            assertEquals(2 * 8 + 2 * 14, HfWeights.spikingSites(model).size(), "8 spike sites per encoder layer, 14 per decoder layer");
        }
    }

    @Test
    void initialisationFollowsHuggingFace() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBartForConditionalGeneration model = new SpikeBartForConditionalGeneration(
                    TinyBart.config(SpikingConfig.ANN).toBuilder().optDModel(64).build());
            model.initialize(manager);
            Map<String, HostTensor> w = model.exportWeights();
            float[] shared = w.get("model.shared.weight").toFloatArray();
            for (int e = 0; e < 64; e++) {
                assertEquals(0f, shared[64 + e], "the padding row (pad_token_id 1) is zero");
            }
            assertEquals(0.02, std(w.get("model.decoder.layers.0.fc1.weight").toFloatArray()), 0.002);
            assertEquals(0.02, std(shared), 0.002);
            assertEquals(0.0, std(w.get("final_logits_bias").toFloatArray()), 0);
            assertEquals(0.0, std(w.get("model.encoder.layers.0.fc1.bias").toFloatArray()), 0);
            assertEquals(1f, w.get("model.encoder.layers.1.final_layer_norm.weight").toFloatArray()[3]);
        }
    }

    private static double std(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum / v.length);
    }

    /** Cached decoding (in chunks and single tokens) against a full recompute, for ANN, T = 1 and T = 4. */
    @Test
    void cachedDecodingEqualsFullRecompute() {
        long[][] target = {{2, 0, 12, 44, 7, 19, 3, 3, 50, 41, 8}, {2, 0, 3, 3, 50, 7, 1, 2, 3, 4, 5}};
        long[][] sourceMask = {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 0, 0}};
        int[] chunks = {1, 4, 1, 1, 3, 1};
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T1, T4)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeBartForConditionalGeneration model = TinyBart.model(manager, spiking, 8);
                TinyBart.logits(model, manager, TinyBart.SOURCE, TinyBart.TARGET); // calibrate α (no-op for the ANN)
                NDArray full = TinyBart.run(model, manager, new NDList(manager.create(TinyBart.SOURCE),
                        manager.create(sourceMask), manager.create(target))).get(0);
                ParameterStore ps = new ParameterStore(manager, false);
                try (BartEncoderOutput source = model.encode(ps,
                                new NDList(manager.create(TinyBart.SOURCE), manager.create(sourceMask)));
                        BartCache cache = model.newCache(manager, source)) {
                    List<NDArray> pieces = new ArrayList<>();
                    int start = 0;
                    for (int chunk : chunks) {
                        NDArray ids = manager.create(target).get(":, " + start + ":" + (start + chunk));
                        pieces.add(model.decode(ps, new NDList(ids), cache).singletonOrThrow());
                        start += chunk;
                        assertEquals(start, cache.length());
                    }
                    NDArray cached = NDArrays.concat(new NDList(pieces), 1);
                    float worst = full.sub(cached).abs().max().getFloat();
                    assertTrue(worst <= 1e-4f, spiking + ": max |cached − full| = " + worst);
                    int t = spiking.timeSteps();
                    assertEquals(new Shape(t, 2, 4, 11, 4), cache.keys(1).getShape(), "self keys per time step");
                    assertEquals(new Shape(t, 2, 4, 7, 4), source.crossKeys(1).getShape(), "source keys, once");

                    // A second target against the same source: the source's keys and values are reused.
                    cache.clear();
                    NDArray again = model.decode(ps, new NDList(manager.create(target).get(":, :3")), cache).get(0);
                    assertTrue(full.get(":, :3, :").sub(again).abs().max().getFloat() <= 1e-4f);
                }
            }
        }
    }

    @Test
    void badInputsAreClearErrors() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBartForConditionalGeneration model = TinyBart.model(manager, SpikingConfig.ANN, 11);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray target = manager.create(new long[][] {{2, 0}});
            IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                    () -> TinyBart.run(model, manager, new NDList(manager.create(new long[0]).reshape(1, 0), target)));
            assertTrue(empty.getMessage().contains("input_ids is empty"), empty.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> model.encode(ps, new NDList(manager.create(new long[0]).reshape(1, 0))));
            IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                    () -> TinyBart.run(model, manager, new NDList(manager.create(new long[1][33]), target)));
            assertTrue(tooLong.getMessage().contains("max_position_embeddings = 32"), tooLong.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.encode(ps, new NDList(manager.create(new long[1][33]))));
            assertThrows(IllegalArgumentException.class,
                    () -> TinyBart.run(model, manager, new NDList(manager.create(new long[1][4]), manager.create(new long[1][33]))));
            IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                    () -> TinyBart.run(model, manager, new NDList(manager.create(new long[] {0, 5, 2}), target)));
            assertTrue(rank.getMessage().contains("[batch, length]"), rank.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> TinyBart.run(model, manager, new NDList(manager.create(new float[][] {{0, 5}}), target)));
            IllegalArgumentException mask = assertThrows(IllegalArgumentException.class,
                    () -> TinyBart.run(model, manager, new NDList(manager.create(new long[][] {{0, 5, 2}}),
                            manager.create(new long[][] {{1, 1}}), target)));
            assertTrue(mask.getMessage().contains("attention_mask"), mask.getMessage());
            IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                    () -> TinyBart.run(model, manager, new NDList(manager.create(new long[][] {{0, 5, 2}}),
                            manager.create(new long[][] {{2}, {2}}))));
            assertTrue(batch.getMessage().contains("batch size"), batch.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TinyBart.run(model, manager, new NDList(target)));
            assertThrows(IllegalArgumentException.class,
                    () -> TinyBart.logits(model, manager, new long[][] {{0, 60}}, new long[][] {{2}}), "id outside the vocabulary");

            SpikeBartForConditionalGeneration other = TinyBart.model(manager, SpikingConfig.ANN, 12);
            try (BartEncoderOutput source = model.encode(ps, new NDList(manager.create(new long[][] {{0, 5, 2}})));
                    BartCache cache = model.newCache(manager, source)) {
                assertThrows(IllegalArgumentException.class, () -> other.newCache(manager, source));
                model.decode(ps, new NDList(manager.create(new long[1][30])), cache);
                IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
                        () -> model.decode(ps, new NDList(manager.create(new long[1][3])), cache));
                assertTrue(full.getMessage().contains("max_position_embeddings = 32"), full.getMessage());
                assertEquals(30, cache.length(), "a failed pass leaves the cache as it was");
                assertThrows(IllegalArgumentException.class,
                        () -> model.decode(ps, new NDList(manager.create(new long[2][1])), cache), "batch of the source");
                assertThrows(IllegalArgumentException.class,
                        () -> model.decode(ps, new NDList(manager.create(new long[1][0])), cache), "empty decoder input");
                source.close();
                assertThrows(IllegalStateException.class,
                        () -> model.decode(ps, new NDList(manager.create(new long[1][1])), cache));
            }
        }
    }

    @Test
    void saveAndLoadGiveIdenticalLogits(@TempDir Path dir) throws IOException {
        Path tokenizerDir = Files.createDirectories(dir.resolve("from"));
        Files.writeString(tokenizerDir.resolve("tokenizer.json"), "{\"version\":\"1.0\"}");
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T1, T4)) {
            Path modelDir = dir.resolve("model-" + spiking.timeSteps() + spiking.isSpiking());
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeBartForConditionalGeneration model = TinyBart.model(manager, spiking, 13);
                float[] before = TinyBart.logits(model, manager, TinyBart.SOURCE, TinyBart.TARGET).toFloatArray(); // calibrates
                SpikeBartLoader.save(model, modelDir, tokenizerDir);
                assertTrue(Files.isRegularFile(modelDir.resolve("tokenizer.json")), "tokenizer.json is copied");

                SpikeBartLoader loader = SpikeBartLoader.builder().setModelDir(modelDir).build();
                assertTrue(loader.tokenizerFile().isPresent());
                SpikeBartPreTrainedModel loaded = loader.load(manager);
                assertTrue(loaded instanceof SpikeBartForConditionalGeneration);
                assertEquals(List.of("BartForConditionalGeneration"), loaded.getConfig().architectures());
                assertEquals(model.getConfig(), loaded.getConfig().toBuilder().optArchitectures(List.of()).build());
                for (AbstractElasticSpikingBlock site : HfWeights.spikingSites(loaded).values()) {
                    assertTrue(site.isCalibrated(), "calibration must survive the round trip");
                }
                float[] after = TinyBart.logits(loaded, manager, TinyBart.SOURCE, TinyBart.TARGET).toFloatArray();
                assertArrayEquals(before, after, 0f, spiking.toString());

                // The bare encoder-decoder loads from the same directory (prefix stripped, bias ignored).
                SpikeBartPreTrainedModel base =
                        SpikeBartLoader.builder().setModelDir(modelDir).optArchitecture("BartModel").build().load(manager);
                assertTrue(base instanceof SpikeBartModel);
                NDList out = TinyBart.run(base, manager,
                        new NDList(manager.create(TinyBart.SOURCE), manager.create(TinyBart.TARGET)));
                assertEquals(new Shape(2, 5, 16), out.get(0).getShape());
            }
        }
    }

    /** What checkpoints saved by Hugging Face may look like: tied copies of model.shared, or no prefix. */
    @Test
    void huggingFaceCheckpointConventionsLoad(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBartForConditionalGeneration ann = TinyBart.model(manager, SpikingConfig.ANN, 14);
            float[] want = TinyBart.logits(ann, manager, TinyBart.SOURCE, TinyBart.TARGET).toFloatArray();
            Map<String, HostTensor> hf = new LinkedHashMap<>(ann.exportWeights());
            HostTensor shared = hf.get("model.shared.weight");
            hf.put("model.encoder.embed_tokens.weight", shared);
            hf.put("model.decoder.embed_tokens.weight", shared);
            hf.put("lm_head.weight", shared);
            SafetensorsWriter.write(dir.resolve("model.safetensors"), hf);
            ann.getConfig().toBuilder().optArchitectures(List.of("BartForConditionalGeneration")).build().save(dir);

            SpikeBartForConditionalGeneration loaded =
                    SpikeBartLoader.builder().setModelDir(dir).build().loadGenerationModel(manager);
            assertArrayEquals(want, TinyBart.logits(loaded, manager, TinyBart.SOURCE, TinyBart.TARGET).toFloatArray(), 0f);

            // A BartModel checkpoint (no prefix, no final_logits_bias) loads into the generation model.
            Map<String, HostTensor> base = new LinkedHashMap<>();
            hf.forEach((n, t) -> {
                if (n.startsWith("model.")) {
                    base.put(n.substring("model.".length()), t);
                }
            });
            SpikeBartForConditionalGeneration fromBase = new SpikeBartForConditionalGeneration(ann.getConfig());
            fromBase.initialize(manager);
            fromBase.loadWeights(base);
            assertEquals(0f, HfWeights.parameters(fromBase).get("final_logits_bias").getArray().abs().sum().getFloat());

            // The same checkpoint as a SpikeLM at T = 4: loads uncalibrated, calibrates on its first batch.
            SpikeBartForConditionalGeneration spiking =
                    SpikeBartLoader.builder().setModelDir(dir).optSpiking(T4).build().loadGenerationModel(manager);
            for (AbstractElasticSpikingBlock site : HfWeights.spikingSites(spiking).values()) {
                assertFalse(site.isCalibrated());
            }
            try (SpikeMonitor monitor = SpikeMonitor.attach(spiking)) {
                TinyBart.logits(spiking, manager, TinyBart.SOURCE, TinyBart.TARGET);
                List<SiteStatistics> sites = monitor.snapshot();
                assertEquals(2 * 8 + 2 * 14, sites.stream().filter(SiteStatistics::hasSpikes).count());
                for (SiteStatistics s : sites) {
                    if (s.hasSpikes()) {
                        assertEquals(4, s.timeSteps());
                        assertTrue(s.firingRate() > 0.05 && s.firingRate() < 0.95, s.toString());
                    }
                }
            }
        }
    }

    @Test
    void mismatchedWeightsAreListedInOneError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBartForConditionalGeneration model = TinyBart.model(manager, SpikingConfig.ANN, 15);
            Map<String, HostTensor> weights = new LinkedHashMap<>(model.exportWeights());
            weights.remove("model.decoder.layers.1.encoder_attn.v_proj.bias");
            // A transposed (Conv1D-layout) fc1 is caught by its shape.
            weights.put("model.encoder.layers.0.fc1.weight", HostTensor.ofFloats(new long[] {16, 32}, new float[512]));
            weights.put("model.encoder.layers.0.mystery", HostTensor.ofFloats(new long[] {1}, new float[1]));
            WeightsMismatchException e = assertThrows(WeightsMismatchException.class, () -> model.loadWeights(weights));
            assertEquals(List.of("model.decoder.layers.1.encoder_attn.v_proj.bias"), e.missing());
            assertEquals(List.of("model.encoder.layers.0.mystery"), e.unexpected());
            assertEquals(1, e.mismatched().size());
            assertTrue(e.mismatched().get(0).startsWith("model.encoder.layers.0.fc1.weight"), e.getMessage());

            Map<String, HostTensor> untied = new LinkedHashMap<>(model.exportWeights());
            float[] copy = untied.get("model.shared.weight").toFloatArray();
            copy[7] += 1f;
            untied.put("model.decoder.embed_tokens.weight", HostTensor.ofFloats(new long[] {60, 16}, copy));
            WeightsMismatchException u = assertThrows(WeightsMismatchException.class, () -> model.loadWeights(untied));
            assertTrue(u.getMessage().contains("untied"), u.getMessage());
        }
    }

    @Test
    void repeatedCachedDecodingLeavesNothingOnTheModelManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBartForConditionalGeneration model = TinyBart.model(manager, T4, 16);
            try (SpikeMonitor monitor = SpikeMonitor.attach(model)) {
                int before = -1;
                for (int i = 0; i < 8; i++) {
                    try (NDManager call = manager.newSubManager()) {
                        ParameterStore ps = new ParameterStore(call, false);
                        try (BartEncoderOutput source = model.encode(ps, new NDList(call.create(new long[][] {{0, 5, 9, 2}})));
                                BartCache cache = model.newCache(call, source)) {
                            model.decode(ps, new NDList(call.create(new long[][] {{2, 0}})), cache);
                            model.decode(ps, new NDList(call.create(new long[][] {{4}})), cache).get(0).toFloatArray();
                        }
                        TinyBart.logits(model, call, TinyBart.SOURCE, TinyBart.TARGET).toFloatArray();
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
