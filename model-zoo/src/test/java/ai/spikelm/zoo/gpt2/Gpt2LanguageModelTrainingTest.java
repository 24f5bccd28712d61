package ai.spikelm.zoo.gpt2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.generate.CausalLanguageModel;
import ai.spikelm.zoo.training.AdamW;
import ai.spikelm.zoo.training.CausalLmObjective;
import ai.spikelm.zoo.training.Losses;
import ai.spikelm.zoo.training.Perplexity;
import ai.spikelm.zoo.training.SpikeLmTrainer;
import ai.spikelm.zoo.training.TokenWindows;
import ai.spikelm.zoo.training.TrainingBatch;
import ai.spikelm.zoo.training.TrainingListener;
import ai.spikelm.zoo.training.TrainingSummary;
import ai.spikelm.zoo.training.WarmupLinearSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Language-model training of SpikeLM-GPT-2: labels, perplexity against a second path, training, distillation. */
class Gpt2LanguageModelTrainingTest {

    private static final SpikingConfig T2 = SpikingConfig.builder().optTimeSteps(2).build();

    /** A periodic token stream: learnable, so the loss must fall. */
    private static long[] periodicText(int length) {
        long[] period = {3, 17, 5, 33, 8, 41, 12, 9, 31, 22};
        long[] tokens = new long[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = period[i % period.length];
        }
        return tokens;
    }

    @Test
    void nextTokenLabelsShiftByOneAndIgnoreTheLastAndPaddedPositions() {
        EncodedBatch batch = new EncodedBatch(
                new long[][] {{5, 6, 7, 8}, {9, 10, 0, 0}},
                new long[][] {{1, 1, 1, 1}, {1, 1, 0, 0}},
                new long[2][4]);
        long x = Losses.IGNORE_INDEX;
        long[][] labels = CausalLmObjective.nextTokenLabels(batch);
        assertArrayEquals(new long[] {6, 7, 8, x}, labels[0]);
        assertArrayEquals(new long[] {10, x, x, x}, labels[1]);
    }

    /** The batched perplexity equals −Σ ln p computed in Java from the KV-cached decoding path. */
    @Test
    void perplexityEqualsTheIncrementalDecodingPath() {
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T2)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeGpt2LMHeadModel model = TinyGpt2.model(manager, spiking, 11);
                TinyGpt2.fixAmplitudes(model, 12);
                long[] text = new long[40];
                Random random = new Random(3);
                for (int i = 0; i < text.length; i++) {
                    text[i] = random.nextInt(TinyGpt2.VOCAB);
                }
                TokenWindows windows = new TokenWindows(text, 16); // 2 windows; 8 tokens dropped
                Perplexity measured = Perplexity.evaluate(model, windows.consecutive(2, 10));
                double nll = 0;
                for (int w = 0; w < 2; w++) {
                    try (CausalLanguageModel.Session session = model.newSession(manager)) {
                        for (int t = 0; t < 15; t++) {
                            float[] logits = session.append(new long[] {text[w * 16 + t]});
                            nll -= logSoftmax(logits, (int) text[w * 16 + t + 1]);
                        }
                    }
                }
                assertEquals(30, measured.predictedTokens());
                assertEquals(32, measured.processedTokens());
                assertEquals(nll / 30, measured.crossEntropy(), 1e-4, spiking.toString());
            }
        }
    }

    private static double logSoftmax(float[] logits, int index) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return logits[index] - max - Math.log(sum);
    }

    @Test
    void trainingLowersHeldOutPerplexityAndTheCheckpointReloadsToTheSamePerplexity(@TempDir Path out) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = new SpikeGpt2LMHeadModel(TinyGpt2.config(T2));
            model.initialize(manager);
            TokenWindows train = new TokenWindows(periodicText(400), 16);
            List<TrainingBatch> heldOut = new TokenWindows(periodicText(64), 16).consecutive(4, 4);
            double before = Perplexity.evaluate(model, heldOut).perplexity();
            List<Float> losses = new ArrayList<>();
            TrainingSummary summary;
            try (AdamW adamW = AdamW.builder().setModel(model).setLearningRate(WarmupLinearSchedule.constant(1e-2f)).build();
                    SpikeLmTrainer<SpikeGpt2LMHeadModel> trainer = SpikeLmTrainer.builder()
                            .setModel(model)
                            .setObjective(CausalLmObjective.builder().build())
                            .setTrainData(train.randomBatches(8, 10))
                            .setOptimizer(adamW)
                            .setEpochs(2)
                            .optMinimizeMetric(true)
                            .optEvaluator((m, epoch) -> ai.spikelm.zoo.training.EvaluationResult.of(
                                    "perplexity", Perplexity.evaluate(m, heldOut).perplexity()))
                            .optOutputDir(out)
                            .addListener(new TrainingListener() {
                                @Override
                                public void onStep(StepEvent event) {
                                    losses.add(event.loss());
                                }
                            })
                            .build()) {
                summary = trainer.fit();
            }
            double after = Perplexity.evaluate(model, heldOut).perplexity();
            assertEquals(20, losses.size());
            assertTrue(after < before / 3, "perplexity " + before + " -> " + after);
            assertTrue(losses.get(19) < 0.7 * losses.get(0), losses.toString());
            assertEquals(after, summary.bestValue(), 1e-3 * after);
            SpikeGpt2LMHeadModel reloaded = SpikeGpt2Loader.builder().setModelDir(out.resolve("last")).build().loadLanguageModel(manager);
            assertEquals(after, Perplexity.evaluate(reloaded, heldOut).perplexity(), 1e-4 * after);
        }
    }

    @Test
    void distillationReportsBothTermsAndPullsTheStudentTowardsTheTeacher() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel teacher = TinyGpt2.model(manager, SpikingConfig.ANN, 5);
            SpikeGpt2LMHeadModel student = new SpikeGpt2LMHeadModel(TinyGpt2.config(T2));
            student.initialize(manager);
            List<java.util.Map<String, Float>> components = new ArrayList<>();
            try (AdamW adamW = AdamW.builder().setModel(student).setLearningRate(WarmupLinearSchedule.constant(3e-3f)).build();
                    SpikeLmTrainer<SpikeGpt2LMHeadModel> trainer = SpikeLmTrainer.builder()
                            .setModel(student)
                            .setObjective(CausalLmObjective.builder().optTeacher(teacher).optLmWeight(0f).build())
                            .setTrainData(new TokenWindows(periodicText(200), 16).randomBatches(8, 10))
                            .setOptimizer(adamW)
                            .setEpochs(1)
                            .addListener(new TrainingListener() {
                                @Override
                                public void onStep(StepEvent event) {
                                    components.add(event.components());
                                }
                            })
                            .build()) {
                trainer.fit();
            }
            assertEquals(java.util.Set.of("logit_kd"), components.get(0).keySet());
            float first = components.get(0).get("logit_kd");
            float last = components.get(components.size() - 1).get("logit_kd");
            assertTrue(last < first, first + " -> " + last);
        }
    }

    @Test
    void badWindowsAndObjectivesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TokenWindows(new long[10], 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TokenWindows(new long[10], 16));
        assertTrue(e.getMessage().contains("fewer than one window"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CausalLmObjective.builder().optLmWeight(0f).build());
        assertThrows(IllegalArgumentException.class, () -> CausalLmObjective.builder().optTemperature(0f).build());
        TokenWindows windows = new TokenWindows(periodicText(100), 10);
        assertEquals(3, windows.consecutive(4, 10).size()); // 10 windows in batches of 4
        var a = windows.randomBatches(2, 3).epoch(0, new Random(9)).iterator().next().inputs().inputIds();
        var b = windows.randomBatches(2, 3).epoch(0, new Random(9)).iterator().next().inputs().inputIds();
        assertArrayEquals(a[1], b[1]);
    }
}
