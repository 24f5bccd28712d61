package ai.spikelm.zoo.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertForSequenceClassification;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.Gradients;
import ai.spikelm.zoo.core.HfWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer end to end on a tiny SpikeLM-BERT and a separable synthetic task. */
class SpikeLmTrainerTest {

    private static final List<TinySpikeLm.Example> TRAIN = TinySpikeLm.dataset(32, 1);
    private static final List<TinySpikeLm.Example> DEV = TinySpikeLm.dataset(16, 2);

    /** Records what the trainer reports. */
    static final class Recorder implements TrainingListener {
        final List<Float> losses = new ArrayList<>();
        final List<StepEvent> steps = new ArrayList<>();
        final List<EpochResult> epochs = new ArrayList<>();
        final List<Integer> calibrations = new ArrayList<>();
        final List<Plan> plans = new ArrayList<>();
        final List<CheckpointKind> checkpoints = new ArrayList<>();

        @Override
        public void onTrainingStart(Plan plan) {
            plans.add(plan);
        }

        @Override
        public void onCalibrated(int sites) {
            calibrations.add(sites);
        }

        @Override
        public void onStep(StepEvent event) {
            losses.add(event.loss());
            steps.add(event);
        }

        @Override
        public void onEpochEnd(EpochResult result) {
            epochs.add(result);
        }

        @Override
        public void onCheckpoint(Path directory, CheckpointKind kind) {
            checkpoints.add(kind);
        }
    }

    private static SpikeLmTrainer.Builder<SpikeBertPreTrainedModel> trainer(
            SpikeBertPreTrainedModel model, AdamW adamW, int epochs, Recorder recorder) {
        return SpikeLmTrainer.builder()
                .setModel(model)
                .setObjective(new TaskObjective())
                .setTrainData(BatchSource.shuffled(TRAIN, 8, TinySpikeLm::collate))
                .setOptimizer(adamW)
                .setEpochs(epochs)
                .addListener(recorder);
    }

    private static Evaluator accuracy() {
        return (model, epoch) ->
                EvaluationResult.of(
                        "accuracy",
                        TinySpikeLm.accuracy(Predictions.logits(model, TinySpikeLm.batches(DEV, 8)), DEV));
    }

    private static double mean(List<Float> values) {
        return values.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
    }

    @Test
    void fineTuningLowersTheLoss() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(TinySpikeLm.config()), manager, 3);
            Gradients.detach(model); // out of autograd, as ModelFamilies loads models: the trainer puts them back
            Recorder recorder = new Recorder();
            try (AdamW adamW = TinySpikeLm.adamW(model, 1e-2f);
                    SpikeLmTrainer<?> trainer = trainer(model, adamW, 8, recorder).optEvaluator(accuracy()).build()) {
                TrainingSummary summary = trainer.fit();
                assertEquals(32, recorder.losses.size(), "4 steps per epoch for 8 epochs");
                assertEquals(8, summary.history().size());
                double first = mean(recorder.losses.subList(0, 4));
                double last = mean(recorder.losses.subList(28, 32));
                assertTrue(last < 0.5 * first, "loss should fall: first epoch " + first + ", last " + last);
                assertTrue(summary.bestValue() >= 0.9, "dev accuracy of the best epoch: " + summary.bestValue());
                assertEquals(
                        new TrainingListener.Plan(0, 8, 4, 1, 4, 0), recorder.plans.get(0), "the plan announced");
                TrainingListener.StepEvent step = recorder.steps.get(5);
                assertEquals(1, step.epoch());
                assertEquals(2, step.batchesDone());
                assertEquals(6, step.step());
                assertEquals(8, step.examples());
                assertEquals(1e-2f, step.learningRate());
                assertTrue(step.tokensPerSecond() > 0 && step.gradientNorm() > 0);
            }
        }
    }

    @Test
    void calibrationIsOneInferencePassOnTheFirstBatchAndTrainsNothing() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertConfig config = TinySpikeLm.config(); // dropout 0.1: a training pass would differ
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(config), manager, 4);
            var copy = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(config), manager, 4);
            long seed = 42;
            BatchSource source = BatchSource.shuffled(TRAIN, 8, TinySpikeLm::collate);
            TrainingBatch first = source.epoch(0, new Random(Seeds.mix(seed, Seeds.DATA, 0))).iterator().next();
            // Over the first batch's real tokens (padding invariance itself: BertCalibrationTest).
            ai.spikelm.zoo.core.Calibration.calibrate(copy, first.inputs());

            Recorder recorder = new Recorder();
            try (AdamW adamW = TinySpikeLm.adamW(model, 1e-3f);
                    SpikeLmTrainer<?> trainer = trainer(model, adamW, 1, recorder).optSeed(seed).build()) {
                trainer.runEpoch();
                assertEquals(4, adamW.getStepCount(), "the calibration pass is not an optimizer step");
            }
            assertEquals(List.of(16), recorder.calibrations, "all 16 sites, once");
            Map<String, AbstractElasticSpikingBlock> trained = HfWeights.spikingSites(model);
            Map<String, AbstractElasticSpikingBlock> reference = HfWeights.spikingSites(copy);
            for (String site : trained.keySet()) {
                assertArrayEquals(
                        reference.get(site).getAmplitudes(),
                        trained.get(site).getAmplitudes(),
                        0f,
                        site + ": α is what calibration on the first batch's real tokens gives, and stays (frozen)");
            }
        }
    }

    private static Map<String, float[]> alphas(SpikeBertPreTrainedModel model) {
        Map<String, float[]> out = new TreeMap<>();
        HfWeights.spikingSites(model).forEach((name, site) -> out.put(name, site.getAmplitudes()));
        return out;
    }

    @Test
    void frozenAlphaStaysAndLearnableAlphaLearns() throws IOException {
        for (boolean learnable : List.of(false, true)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeBertConfig config = TinySpikeLm.config(true, learnable, 0.1f);
                var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(config), manager, 5);
                Recorder recorder = new Recorder();
                Map<String, float[]> calibrated = new LinkedHashMap<>();
                TrainingListener snapshot =
                        new TrainingListener() {
                            @Override
                            public void onCalibrated(int sites) {
                                calibrated.putAll(alphas(model));
                            }
                        };
                try (AdamW adamW = TinySpikeLm.adamW(model, 1e-2f);
                        SpikeLmTrainer<?> trainer =
                                trainer(model, adamW, 1, recorder).addListener(snapshot).build()) {
                    trainer.fit();
                    assertEquals(learnable, adamW.getParameters().values().stream()
                            .filter(p -> p.getName().equals("alpha"))
                            .allMatch(p -> p.requiresGradient()));
                }
                Map<String, float[]> after = alphas(model);
                int moved = 0;
                for (String site : after.keySet()) {
                    if (!java.util.Arrays.equals(calibrated.get(site), after.get(site))) {
                        moved++;
                    }
                }
                if (learnable) {
                    assertEquals(after.size(), moved, "every learnable α receives its LSQ gradient");
                } else {
                    assertEquals(0, moved, "frozen α never changes");
                }
            }
        }
    }

    /**
     * The task loss, after which garbage is collected and freed direct memory refilled before the
     * backward pass: a constant the backward pass reads from a Java buffer would be garbage then.
     */
    private static Objective<SpikeBertPreTrainedModel> collectingGarbage() {
        TaskObjective task = new TaskObjective();
        return (model, batch, context) -> {
            var loss = task.loss(model, batch, context);
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<java.nio.ByteBuffer> junk = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                junk.add(java.nio.ByteBuffer.allocateDirect(64).putFloat(0, 1e30f));
            }
            return loss;
        };
    }

    private static List<Float> run(long seed, boolean collectGarbage) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(TinySpikeLm.config()), manager, 6);
            Recorder recorder = new Recorder();
            try (AdamW adamW = TinySpikeLm.adamW(model, 3e-3f);
                    SpikeLmTrainer<?> trainer =
                            trainer(model, adamW, 1, recorder)
                                    .setObjective(collectGarbage ? collectingGarbage() : new TaskObjective())
                                    .optSeed(seed)
                                    .build()) {
                trainer.fit();
            }
            return recorder.losses;
        }
    }

    @Test
    void sameSeedGivesTheSameLosses() throws IOException {
        List<Float> a = run(11, false);
        List<Float> b = run(11, true);
        assertEquals(a, b, "dropout, data order and all else follow the seed, whenever garbage is collected");
        assertNotEquals(a, run(12, false), "another seed, another run");
    }

    @Test
    void accumulatingMicroBatchesEqualsOneBigBatch() throws IOException {
        // Dropout off and α calibrated beforehand, so the big and the split batch see the same model.
        SpikeBertConfig config = TinySpikeLm.config(true, false, 0f);
        List<TinySpikeLm.Example> big = TRAIN.subList(0, 16);
        BatchSource whole = (epoch, random) -> List.of(TinySpikeLm.collate(big));
        BatchSource halves =
                (epoch, random) -> List.of(TinySpikeLm.collate(big.subList(0, 8)), TinySpikeLm.collate(big.subList(8, 16)));
        Map<String, float[][]> results = new LinkedHashMap<>();
        for (var entry : Map.of("whole", whole, "halves", halves).entrySet()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(config), manager, 7);
                model.forward(
                        new ParameterStore(manager, false), TinySpikeLm.collate(DEV).inputs().toNDList(manager), false);
                Recorder recorder = new Recorder();
                try (AdamW adamW =
                                AdamW.builder()
                                        .setModel(model)
                                        .setLearningRate(WarmupLinearSchedule.constant(1e-3f))
                                        .optEpsilon(1e-3f) // keeps the first Adam step continuous in g
                                        .build();
                        SpikeLmTrainer<?> trainer =
                                trainer(model, adamW, 1, recorder)
                                        .setTrainData(entry.getValue())
                                        .optGradientAccumulation(2)
                                        .build()) {
                    trainer.fit();
                    assertEquals(1, adamW.getStepCount(), entry.getKey());
                    float[] moment = adamW.exportState().get("classifier.weight.exp_avg").toFloatArray();
                    float[] embedding =
                            adamW.exportState().get("bert.embeddings.word_embeddings.weight.exp_avg").toFloatArray();
                    float[] weights = HfWeights.parameters(model).get("bert.encoder.layer.0.intermediate.dense.weight")
                            .getArray().toFloatArray();
                    results.put(
                            entry.getKey(),
                            new float[][] {moment, embedding, weights, {recorder.losses.get(0)}});
                }
            }
        }
        float[][] w = results.get("whole");
        float[][] h = results.get("halves");
        assertArrayEquals(w[0], h[0], 1e-6f, "first moments (0.1·gradient) of the classifier");
        assertArrayEquals(w[1], h[1], 1e-6f, "first moments of the word embeddings");
        assertArrayEquals(w[2], h[2], 1e-6f, "updated weights");
        assertEquals(w[3][0], h[3][0], 1e-5f, "reported loss: mean of the micro-batch means");
    }

    @Test
    void checkpointsReloadToIdenticalPredictions(@TempDir Path out) throws IOException {
        List<TrainingBatch> dev = TinySpikeLm.batches(DEV, 8);
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(TinySpikeLm.config()), manager, 8);
            Map<Integer, float[][]> logitsByEpoch = new LinkedHashMap<>();
            Evaluator evaluator =
                    (m, epoch) -> {
                        float[][] logits = Predictions.logits(m, dev);
                        logitsByEpoch.put(epoch, logits);
                        // A made-up metric that peaks at epoch 0, so best and last differ.
                        return new EvaluationResult(
                                "score",
                                Map.of("score", epoch == 0 ? 1.0 : 0.5, "accuracy", TinySpikeLm.accuracy(logits, DEV)));
                    };
            Recorder recorder = new Recorder();
            Path tokenizer = Files.writeString(Files.createTempFile("vocab", ".json"), "{\"model\": {}}");
            float[][] now;
            try (AdamW adamW = TinySpikeLm.adamW(model, 3e-3f);
                    SpikeLmTrainer<?> trainer =
                            trainer(model, adamW, 2, recorder)
                                    .optEvaluator(evaluator)
                                    .optOutputDir(out)
                                    .addCheckpointFile("tokenizer.json", tokenizer)
                                    .build()) {
                TrainingSummary summary = trainer.fit();
                assertEquals(0, summary.bestEpoch());
                assertEquals(List.of(true, false), summary.history().stream().map(EpochResult::best).toList());
                now = Predictions.logits(model, dev);
                assertEquals(0, trainer.restoreBest());
                assertArrayEquals(logitsByEpoch.get(0), Predictions.logits(model, dev), "restoreBest loads epoch 0's weights");
            } finally {
                Files.delete(tokenizer);
            }
            for (String dir : List.of("best", "last")) {
                assertEquals("{\"model\": {}}", Files.readString(out.resolve(dir).resolve("tokenizer.json")), dir + " carries the tokenizer");
            }
            assertEquals(
                    List.of(
                            TrainingListener.CheckpointKind.BEST,
                            TrainingListener.CheckpointKind.LAST,
                            TrainingListener.CheckpointKind.LAST),
                    recorder.checkpoints);
            SpikeBertPreTrainedModel last = SpikeBertLoader.builder().setModelDir(out.resolve("last")).build().load(manager);
            SpikeBertPreTrainedModel best = SpikeBertLoader.builder().setModelDir(out.resolve("best")).build().load(manager);
            assertTrue(last instanceof SpikeBertForSequenceClassification);
            assertTrue(HfWeights.spikingSites(last).values().stream().allMatch(AbstractElasticSpikingBlock::isCalibrated));
            assertArrayEquals(now, Predictions.logits(last, dev), "last reloads to the trained model");
            assertArrayEquals(logitsByEpoch.get(0), Predictions.logits(best, dev), "best is epoch 0's model");
            assertTrue(Files.isRegularFile(out.resolve("last/optimizer.safetensors")));
            assertTrue(Files.isRegularFile(out.resolve("last/trainer_state.json")));
            assertTrue(Files.readString(out.resolve("best/eval_results.json")).contains("\"epoch\" : 0"));
            assertFalse(Files.exists(out.resolve("last.tmp")) || Files.exists(out.resolve("last.old")));
        }
    }

    @Test
    void resumingFromLastContinuesLikeAnUninterruptedRun(@TempDir Path out) throws IOException {
        List<Float> uninterrupted;
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(TinySpikeLm.config()), manager, 9);
            Recorder recorder = new Recorder();
            try (AdamW adamW = TinySpikeLm.adamW(model, 3e-3f);
                    SpikeLmTrainer<?> trainer = trainer(model, adamW, 2, recorder).optSeed(5).build()) {
                trainer.fit();
            }
            uninterrupted = recorder.losses;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(TinySpikeLm.config()), manager, 9);
            Recorder recorder = new Recorder();
            try (AdamW adamW = TinySpikeLm.adamW(model, 3e-3f);
                    SpikeLmTrainer<?> trainer = trainer(model, adamW, 2, recorder).optSeed(5).optOutputDir(out).build()) {
                assertFalse(trainer.resume(), "nothing to resume yet");
                trainer.runEpoch(); // ... and the process dies here
            }
            assertEquals(uninterrupted.subList(0, 4), recorder.losses);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            // Another initialisation and another seed: both must come from the checkpoint.
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(TinySpikeLm.config()), manager, 99);
            Recorder recorder = new Recorder();
            try (AdamW adamW = TinySpikeLm.adamW(model, 3e-3f);
                    SpikeLmTrainer<?> trainer = trainer(model, adamW, 2, recorder).optSeed(77).optOutputDir(out).build()) {
                assertTrue(trainer.resume());
                assertEquals(5, trainer.getSeed());
                assertEquals(1, trainer.getEpochsCompleted());
                assertEquals(4, adamW.getStepCount());
                TrainingSummary summary = trainer.fit();
                assertEquals(2, summary.history().size(), "the resumed history is kept");
                assertEquals(1, recorder.plans.get(0).startEpoch());
            }
            assertEquals(uninterrupted.subList(4, 8), recorder.losses, "identical losses after the resume");
            assertEquals(List.of(), recorder.calibrations, "α comes from the checkpoint, not a new calibration");
        }
    }

    @Test
    void aRunStoppedBetweenStepsResumesInsideTheEpochWithTheSameLosses(@TempDir Path out) throws IOException {
        List<Float> uninterrupted;
        List<EpochResult> uninterruptedEpochs;
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(TinySpikeLm.config()), manager, 9);
            Recorder recorder = new Recorder();
            try (AdamW adamW = TinySpikeLm.adamW(model, 3e-3f);
                    SpikeLmTrainer<?> trainer = trainer(model, adamW, 2, recorder).optSeed(5).build()) {
                trainer.fit();
            }
            uninterrupted = recorder.losses;
            uninterruptedEpochs = recorder.epochs;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(TinySpikeLm.config()), manager, 9);
            Recorder recorder = new Recorder();
            var holder = new java.util.concurrent.atomic.AtomicReference<SpikeLmTrainer<?>>();
            TrainingListener stopAfterSixSteps = new TrainingListener() {
                @Override
                public void onStep(StepEvent event) {
                    if (event.step() == 6) { // the middle of the second epoch (4 steps an epoch)
                        holder.get().requestStop();
                    }
                }
            };
            try (AdamW adamW = TinySpikeLm.adamW(model, 3e-3f);
                    SpikeLmTrainer<?> trainer = trainer(model, adamW, 2, recorder)
                            .addListener(stopAfterSixSteps).optSeed(5).optOutputDir(out).build()) {
                holder.set(trainer);
                TrainingSummary summary = trainer.fit();
                assertEquals(1, summary.history().size(), "only the first epoch finished");
                assertTrue(trainer.isStopRequested());
            }
            assertEquals(uninterrupted.subList(0, 6), recorder.losses);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(TinySpikeLm.config()), manager, 99);
            Recorder recorder = new Recorder();
            try (AdamW adamW = TinySpikeLm.adamW(model, 3e-3f);
                    SpikeLmTrainer<?> trainer = trainer(model, adamW, 2, recorder).optSeed(77).optOutputDir(out).build()) {
                assertTrue(trainer.resume());
                assertEquals(6, adamW.getStepCount());
                trainer.fit();
            }
            assertEquals(uninterrupted.subList(6, 8), recorder.losses, "the rest of the epoch, loss for loss");
            EpochResult resumed = recorder.epochs.get(0);
            assertEquals(uninterruptedEpochs.get(1).trainLoss(), resumed.trainLoss(), 1e-6,
                    "the epoch's mean loss counts the steps before the stop");
            assertEquals(uninterruptedEpochs.get(1).examples(), resumed.examples());
        }
    }

    @Test
    void resumeRefusesAnotherGradientAccumulation(@TempDir Path out) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(TinySpikeLm.config()), manager, 10);
            try (AdamW adamW = TinySpikeLm.adamW(model, 3e-3f);
                    SpikeLmTrainer<?> trainer = trainer(model, adamW, 2, new Recorder()).optOutputDir(out).build()) {
                trainer.runEpoch();
            }
            try (AdamW adamW = TinySpikeLm.adamW(model, 3e-3f);
                    SpikeLmTrainer<?> trainer =
                            trainer(model, adamW, 2, new Recorder())
                                    .optOutputDir(out)
                                    .optGradientAccumulation(2)
                                    .build()) {
                assertThrows(IllegalStateException.class, trainer::resume);
            }
        }
    }

    @Test
    void nothingLeaksIntoTheModelManager() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(TinySpikeLm.config()), manager, 11);
            int before = manager.getManagedArrays().size();
            try (AdamW adamW = TinySpikeLm.adamW(model, 3e-3f);
                    SpikeLmTrainer<?> trainer =
                            trainer(model, adamW, 2, new Recorder())
                                    .optGradientAccumulation(2)
                                    .optEvaluator(accuracy())
                                    .build()) {
                trainer.fit();
                assertEquals(before, manager.getManagedArrays().size(), "only the parameters, after 2 epochs");
            }
        }
    }

    @Test
    void builderAndOptimizerMustMatch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(TinySpikeLm.config()), manager, 12);
            var other = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(TinySpikeLm.config()), manager, 12);
            try (AdamW adamW = TinySpikeLm.adamW(other, 1e-3f)) {
                assertThrows(IllegalArgumentException.class, () -> trainer(model, adamW, 1, new Recorder()).build());
                assertThrows(
                        IllegalArgumentException.class,
                        () -> SpikeLmTrainer.builder().setModel(model).setOptimizer(adamW).build());
                var builder = SpikeLmTrainer.builder().setModel(model);
                Path missing = Path.of("no-such-tokenizer.json");
                assertTrue(assertThrows(IllegalArgumentException.class, () -> builder.addCheckpointFile("tokenizer.json", missing))
                        .getMessage().contains("no-such-tokenizer.json"));
                assertThrows(IllegalArgumentException.class, () -> builder.addCheckpointFile("../escape.json", Path.of("pom.xml")));
            }
            try (AdamW adamW = TinySpikeLm.adamW(model, 1e-3f);
                    SpikeLmTrainer<?> trainer = trainer(model, adamW, 1, new Recorder()).build()) {
                assertThrows(IllegalStateException.class, trainer::restoreBest, "no output directory");
            }
        }
    }
}
