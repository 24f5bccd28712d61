package ai.spikelm.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.ops.stats.SiteStatistics;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.WeightsMismatchException;
import ai.spikelm.zoo.weights.HostTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpikeBertModelTest {

    private static final SpikingConfig T2 = SpikingConfig.builder().optTimeSteps(2).build();
    private static final SpikingConfig T4 = SpikingConfig.builder().optTimeSteps(4).build();

    private static void assertMatchesReference(SpikeBertModel model, NDArray hidden, double tol) {
        ScalarSpikeBert reference = new ScalarSpikeBert(model.getConfig(), model.exportWeights());
        double[][][] want = reference.forward(TinyBert.IDS, TinyBert.MASK, TinyBert.TYPES);
        assertTrue(reference.margin > 1e-5, "a spike decision is too close to its threshold: " + reference.margin);
        float[] got = hidden.toFloatArray();
        int d = want[0][0].length;
        double worst = 0;
        for (int b = 0; b < want.length; b++) {
            for (int l = 0; l < want[0].length; l++) {
                for (int e = 0; e < d; e++) {
                    worst = Math.max(worst, Math.abs(want[b][l][e] - got[(b * want[0].length + l) * d + e]));
                }
            }
        }
        assertTrue(worst <= tol, "max |Δ| vs scalar reference = " + worst);
    }

    @Test
    void annMatchesScalarReference() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = new SpikeBertModel(TinyBert.config(SpikingConfig.ANN));
            model.initialize(manager);
            TinyBert.randomize(model, 1);
            NDArray hidden = TinyBert.hidden(model, manager);
            assertEquals(new Shape(3, 5, 16), hidden.getShape());
            assertMatchesReference(model, hidden, 1e-4);
        }
    }

    @Test
    void spikingMatchesScalarReferenceAfterCalibration() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = new SpikeBertModel(TinyBert.config(T2));
            model.initialize(manager);
            TinyBert.randomize(model, 2);
            TinyBert.hidden(model, manager); // the first batch calibrates every site
            for (AbstractElasticSpikingBlock site : HfWeights.spikingSites(model).values()) {
                assertTrue(site.isCalibrated());
            }
            assertEquals(2 * 8, HfWeights.spikingSites(model).size(), "8 spike sites per layer");
            assertMatchesReference(model, TinyBert.hidden(model, manager), 1e-4);
        }
    }

    @Test
    void paddingDoesNotChangeRealTokens() {
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T4)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeBertModel model = new SpikeBertModel(TinyBert.config(spiking));
                model.initialize(manager);
                TinyBert.randomize(model, 3);
                NDArray padded = TinyBert.hidden(model, manager);
                NDList alone =
                        new NDList(
                                manager.create(new long[][] {{2, 9, 31}}),
                                manager.create(new long[][] {{1, 1, 1}}),
                                manager.create(new long[][] {{0, 0, 0}}));
                NDArray single = TinyBert.run(model, manager, alone).get(0);
                assertArrayEquals(
                        single.toFloatArray(), padded.get("1, :3, :").toFloatArray(), 1e-5f, spiking.toString());
            }
        }
    }

    @Test
    void saveAndLoadGiveIdenticalOutputs(@TempDir Path dir) throws IOException {
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, SpikingConfig.builder().optTimeSteps(1).build(), T4)) {
            Path modelDir = dir.resolve("model-" + spiking.timeSteps() + spiking.isSpiking());
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeBertPreTrainedModel model = new SpikeBertForMaskedLM(TinyBert.config(spiking));
                model.initialize(manager);
                TinyBert.randomize(model, 4);
                float[] before = TinyBert.run(model, manager, TinyBert.batch(manager)).get(0).toFloatArray();
                SpikeBertLoader.save(model, modelDir);

                SpikeBertPreTrainedModel loaded = SpikeBertLoader.builder().setModelDir(modelDir).build().load(manager);
                assertTrue(loaded instanceof SpikeBertForMaskedLM);
                assertEquals(model.getConfig().spiking(), loaded.getConfig().spiking());
                for (AbstractElasticSpikingBlock site : HfWeights.spikingSites(loaded).values()) {
                    assertTrue(site.isCalibrated(), "calibration must survive the round trip");
                }
                float[] after = TinyBert.run(loaded, manager, TinyBert.batch(manager)).get(0).toFloatArray();
                assertArrayEquals(before, after, 0f, spiking.toString());
            }
        }
    }

    @Test
    void spikingCheckpointLoadedWithOtherTimeStepsKeepsWeightsAndRecalibrates(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel t2 = new SpikeBertModel(TinyBert.config(T2));
            t2.initialize(manager);
            TinyBert.randomize(t2, 6);
            TinyBert.run(t2, manager, TinyBert.batch(manager)); // calibrates α, one value per step
            SpikeBertLoader.save(t2, dir);

            SpikeBertPreTrainedModel same = SpikeBertLoader.builder().setModelDir(dir).build().load(manager);
            SpikeBertPreTrainedModel t4 = SpikeBertLoader.builder().setModelDir(dir).optSpiking(T4).build().load(manager);
            assertEquals(4, t4.getConfig().spiking().timeSteps());
            for (AbstractElasticSpikingBlock site : HfWeights.spikingSites(same).values()) {
                assertTrue(site.isCalibrated(), "same T keeps α");
            }
            for (AbstractElasticSpikingBlock site : HfWeights.spikingSites(t4).values()) {
                assertFalse(site.isCalibrated(), "α of T = 2 cannot serve T = 4");
                assertEquals(4, site.getTimeSteps());
            }
            Map<String, float[]> saved = new LinkedHashMap<>();
            HfWeights.parameters(t2).forEach((n, p) -> saved.put(n, p.getArray().toFloatArray()));
            HfWeights.parameters(t4).forEach((n, p) -> {
                if (!n.endsWith(".alpha")) {
                    assertArrayEquals(saved.get(n), p.getArray().toFloatArray(), 0f, n);
                }
            });
            try (SpikeMonitor monitor = SpikeMonitor.attach(t4)) {
                TinyBert.run(t4, manager, TinyBert.batch(manager));
                for (SiteStatistics s : monitor.snapshot()) {
                    if (s.hasSpikes()) {
                        assertEquals(4, s.timeSteps());
                    }
                }
            }
            HfWeights.spikingSites(t4).values().forEach(site -> assertTrue(site.isCalibrated()));
        }
    }

    @Test
    void anEncoderTransplantedUnderAHeadKeepsTheHeadAndRecalibratesIt() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertConfig config = TinyBert.config(T2).toBuilder().optId2label(Map.of(0, "a", 1, "b")).build();
            SpikeBertForSequenceClassification classifier = new SpikeBertForSequenceClassification(config);
            classifier.initialize(manager);
            TinyBert.randomize(classifier, 7);
            TinyBert.run(classifier, manager, TinyBert.batch(manager)); // calibrates every site
            SpikeBertModel encoder = new SpikeBertModel(TinyBert.config(T2));
            encoder.initialize(manager);
            TinyBert.randomize(encoder, 8);
            TinyBert.run(encoder, manager, TinyBert.batch(manager));
            Map<String, float[]> headBefore = new LinkedHashMap<>();
            HfWeights.parameters(classifier).forEach((n, p) -> {
                if (n.startsWith("classifier.") || n.startsWith("bert.pooler.")) {
                    headBefore.put(n, p.getArray().toFloatArray());
                }
            });

            classifier.loadEncoderFrom(encoder);

            Map<String, float[]> transplanted = new LinkedHashMap<>();
            HfWeights.parameters(classifier).forEach((n, p) -> transplanted.put(n, p.getArray().toFloatArray()));
            HfWeights.parameters(encoder).forEach((n, p) -> {
                if (!n.startsWith("pooler.")) { // the pooler belongs to the head
                    assertArrayEquals(p.getArray().toFloatArray(), transplanted.get("bert." + n), 0f, n);
                }
            });
            headBefore.forEach((n, v) -> assertArrayEquals(v, transplanted.get(n), 0f, n + " is the head's own"));
            Map<String, AbstractElasticSpikingBlock> encoderSites = HfWeights.spikingSites(encoder);
            HfWeights.spikingSites(classifier).forEach((path, site) -> {
                AbstractElasticSpikingBlock source = encoderSites.get(path.substring("bert.".length()));
                if (source != null && !path.startsWith("bert.pooler")) {
                    assertArrayEquals(source.getAmplitudes(), site.getAmplitudes(), 0f, path);
                } else {
                    assertFalse(site.isCalibrated(), path + " sees new activations: it recalibrates");
                }
            });
            assertEquals(new Shape(3, 2), TinyBert.run(classifier, manager, TinyBert.batch(manager)).get(0).getShape());
        }
    }

    @Test
    void annCheckpointConvertsToSpikingAndCalibratesOnFirstBatch(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel ann = new SpikeBertModel(TinyBert.config(SpikingConfig.ANN));
            ann.initialize(manager);
            TinyBert.randomize(ann, 5);
            SpikeBertLoader.save(ann, dir);

            SpikeBertPreTrainedModel spiking =
                    SpikeBertLoader.builder().setModelDir(dir).optSpiking(T4).build().load(manager);
            for (AbstractElasticSpikingBlock site : HfWeights.spikingSites(spiking).values()) {
                assertFalse(site.isCalibrated());
            }
            try (SpikeMonitor monitor = SpikeMonitor.attach(spiking)) {
                TinyBert.run(spiking, manager, TinyBert.batch(manager));
                List<SiteStatistics> sites = monitor.snapshot();
                long neurons = sites.stream().filter(SiteStatistics::hasSpikes).count();
                assertEquals(16, neurons);
                for (SiteStatistics s : sites) {
                    if (s.hasSpikes()) {
                        assertEquals(4, s.timeSteps());
                        assertTrue(s.firingRate() > 0.05 && s.firingRate() < 0.95, s.toString());
                    }
                }
                long attentionSites = sites.stream().filter(s -> s.name().endsWith("attention.self")).count();
                assertEquals(2, attentionSites);
            }
        }
    }

    @Test
    void headsHaveTheirShapesAndShareTheEncoder(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertConfig config = TinyBert.config(SpikingConfig.ANN);
            SpikeBertForPreTraining pre = new SpikeBertForPreTraining(config);
            pre.initialize(manager);
            TinyBert.randomize(pre, 6);
            NDList out = TinyBert.run(pre, manager, TinyBert.batch(manager));
            assertEquals(new Shape(3, 5, 40), out.get(0).getShape());
            assertEquals(new Shape(3, 2), out.get(1).getShape());
            SpikeBertLoader.save(pre, dir);

            // A bare encoder loads from the pre-training checkpoint: prefix stripped, heads ignored.
            SpikeBertPreTrainedModel base =
                    SpikeBertLoader.builder().setModelDir(dir).optArchitecture("BertModel").build().load(manager);
            assertArrayEquals(
                    TinyBert.run(pre.getBert(), manager, TinyBert.batch(manager)).get(0).toFloatArray(),
                    TinyBert.hidden(base, manager).toFloatArray(),
                    0f);

            // A classifier needs its head: strict loading names it, allowNewHead accepts it.
            SpikeBertLoader strict =
                    SpikeBertLoader.builder()
                            .setModelDir(dir)
                            .optArchitecture("BertForSequenceClassification")
                            .optId2label(Map.of(0, "neg", 1, "pos", 2, "neutral"))
                            .build();
            WeightsMismatchException e = assertThrows(WeightsMismatchException.class, () -> strict.load(manager));
            assertEquals(List.of("classifier.weight", "classifier.bias"), e.missing());
            SpikeBertPreTrainedModel classifier =
                    SpikeBertLoader.builder()
                            .setModelDir(dir)
                            .optArchitecture("BertForSequenceClassification")
                            .optId2label(Map.of(0, "neg", 1, "pos", 2, "neutral"))
                            .optAllowNewHead(true)
                            .build()
                            .load(manager);
            assertEquals(new Shape(3, 3), TinyBert.run(classifier, manager, TinyBert.batch(manager)).get(0).getShape());
        }
    }

    @Test
    void mismatchedWeightsAreListedInOneError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = new SpikeBertModel(TinyBert.config(SpikingConfig.ANN));
            model.initialize(manager);
            Map<String, HostTensor> weights = new LinkedHashMap<>(model.exportWeights());
            weights.remove("encoder.layer.1.output.dense.bias");
            weights.put("encoder.layer.0.attention.self.query.weight", HostTensor.ofFloats(new long[] {16, 15}, new float[240]));
            weights.put("decoder.mystery", HostTensor.ofFloats(new long[] {1}, new float[1]));
            WeightsMismatchException e =
                    assertThrows(WeightsMismatchException.class, () -> model.loadWeights(weights, false));
            assertEquals(List.of("encoder.layer.1.output.dense.bias"), e.missing());
            assertEquals(List.of("decoder.mystery"), e.unexpected());
            assertEquals(1, e.mismatched().size());
            assertTrue(e.getMessage().contains("encoder.layer.0.attention.self.query.weight is [16, 15]"), e.getMessage());
        }
    }

    @Test
    void badInputsGiveClearErrors() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = new SpikeBertModel(TinyBert.config(SpikingConfig.ANN));
            model.initialize(manager);
            IllegalArgumentException vocab =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> TinyBert.run(model, manager, new NDList(manager.create(new long[][] {{2, 40}}))));
            assertTrue(vocab.getMessage().contains("token id out of range [0, 40)"), vocab.getMessage());
            IllegalArgumentException tooLong =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> TinyBert.run(model, manager, new NDList(manager.zeros(new Shape(1, 17), ai.djl.ndarray.types.DataType.INT64))));
            assertTrue(tooLong.getMessage().contains("exceeds max_position_embeddings 16"), tooLong.getMessage());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> TinyBert.run(model, manager, new NDList(manager.create(new long[] {1, 2}))));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> TinyBert.run(model, manager, new NDList(manager.create(new long[][] {{1, 2}}), manager.create(new long[][] {{1}}))));
            IllegalArgumentException empty =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> TinyBert.run(model, manager, new NDList(manager.zeros(new Shape(1, 0), ai.djl.ndarray.types.DataType.INT64))));
            assertTrue(empty.getMessage().contains("length >= 1"), empty.getMessage());
        }
    }

    @Test
    void repeatedInferenceLeavesNothingOnTheModelManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = new SpikeBertModel(TinyBert.config(T4));
            model.initialize(manager);
            TinyBert.randomize(model, 7);
            try (SpikeMonitor monitor = SpikeMonitor.attach(model)) {
                int before = -1;
                for (int i = 0; i < 20; i++) {
                    try (NDManager call = manager.newSubManager()) {
                        TinyBert.run(model, call, TinyBert.batch(call)).get(0).toFloatArray();
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

    @Test
    void sharedQueryKeyValueSpikesEqualSeparateOnes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = new SpikeBertModel(TinyBert.config(T4));
            model.initialize(manager);
            TinyBert.randomize(model, 8);
            TinyBert.hidden(model, manager); // calibrate: Q, K and V get equal amplitudes
            float[] shared = TinyBert.hidden(model, manager).toFloatArray();
            float[] separate;
            try (SpikeMonitor monitor = SpikeMonitor.attach(model)) { // a monitor turns sharing off
                separate = TinyBert.hidden(model, manager).toFloatArray();
            }
            assertArrayEquals(separate, shared, 0f);
        }
    }
}
