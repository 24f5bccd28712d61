package ai.spikelm.zoo.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertForMaskedLM;
import ai.spikelm.zoo.bert.SpikeBertForPreTraining;
import ai.spikelm.zoo.bert.SpikeBertForSequenceClassification;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.HfWeights;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The objectives against the losses composed by hand, and in a few training steps. */
class ObjectivesTest {

    private static final List<TinySpikeLm.Example> DATA = TinySpikeLm.dataset(16, 3);

    private static SpikeBertConfig noDropout(boolean spiking) {
        return TinySpikeLm.config(spiking, false, 0f);
    }

    /** An ANN teacher and a SpikeLM student converted from it (α calibrated on one batch). */
    private static SpikeBertPreTrainedModel[] teacherAndStudent(NDManager manager, SpikeBertConfig student) {
        var teacher = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(noDropout(false)), manager, 21);
        var spiking = new SpikeBertForSequenceClassification(student);
        spiking.initialize(manager);
        spiking.loadWeights(teacher.exportWeights(), false);
        return new SpikeBertPreTrainedModel[] {teacher, spiking};
    }

    @Test
    void uniformLayerMapPairsEveryStrideThLayer() {
        assertArrayEquals(new int[] {0, 1, 2}, DistillationObjective.uniformLayerMap(2, 2));
        assertArrayEquals(new int[] {0, 2, 4}, DistillationObjective.uniformLayerMap(2, 4));
        assertArrayEquals(new int[] {0, 3, 6, 9, 12}, DistillationObjective.uniformLayerMap(4, 12));
        assertThrows(IllegalArgumentException.class, () -> DistillationObjective.uniformLayerMap(3, 4));
    }

    @Test
    void distillationLossIsTheWeightedSumOfItsParts() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertPreTrainedModel[] models = teacherAndStudent(manager, noDropout(true));
            SpikeBertPreTrainedModel teacher = models[0];
            SpikeBertPreTrainedModel student = models[1];
            TrainingBatch batch = TinySpikeLm.collate(DATA.subList(0, 6));
            ParameterStore ps = new ParameterStore(manager, false);
            student.forward(ps, student.inputs(batch.inputs(), manager), false); // calibrates α

            DistillationObjective kd =
                    DistillationObjective.builder()
                            .setTeacher(teacher)
                            .optHiddenWeight(0.5f)
                            .optLogitWeight(2f)
                            .optTaskWeight(1f)
                            .optTemperature(2f)
                            .build();
            float loss;
            Map<String, Float> reported;
            try (NDManager step = manager.newSubManager()) {
                StepContext context = new StepContext(step, new Random(1));
                loss = kd.loss(student, batch, context).getFloat();
                reported = context.reported();
            }

            NDList inputs = batch.inputs().toNDList(manager);
            var t = teacher.forwardWithHiddenStates(ps, inputs, false);
            var s = student.forwardWithHiddenStates(ps, inputs, false);
            NDArray mask = manager.create(batch.inputs().attentionMask());
            float hidden = Losses.hiddenStateMse(s.hiddenStates(), t.hiddenStates(), mask).getFloat();
            float soft = Losses.softTargetCrossEntropy(s.outputs().get(0), t.outputs().get(0), 2f).getFloat();
            float task = Losses.softmaxCrossEntropy(s.outputs().get(0), batch.labelArray(manager)).getFloat();
            assertEquals(0.5f * hidden + 2f * soft + task, loss, 1e-5f);
            assertEquals(Map.of("hidden_mse", hidden, "logit_kd", soft, "task_loss", task), reported);
            assertTrue(hidden > 0, "a spiking student differs from its teacher");
            assertTrue(HfWeights.parameters(teacher).values().stream().noneMatch(p -> p.requiresGradient()));
        }
    }

    @Test
    void distillationTrainsTheStudentTowardsTheFrozenTeacher() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertPreTrainedModel[] models = teacherAndStudent(manager, TinySpikeLm.config());
            SpikeBertPreTrainedModel teacher = models[0];
            Map<String, float[]> before = new LinkedHashMap<>();
            HfWeights.parameters(teacher).forEach((n, p) -> before.put(n, p.getArray().toFloatArray()));
            List<Float> hidden = new ArrayList<>();
            TrainingListener listener =
                    new TrainingListener() {
                        @Override
                        public void onStep(StepEvent event) {
                            hidden.add(event.components().get("hidden_mse"));
                        }
                    };
            Objective kd = DistillationObjective.builder().setTeacher(teacher).build();
            try (AdamW adamW = TinySpikeLm.adamW(models[1], 3e-3f);
                    SpikeLmTrainer trainer =
                            SpikeLmTrainer.builder()
                                    .setModel(models[1])
                                    .setObjective(kd)
                                    .setTrainData(BatchSource.shuffled(DATA, 4, TinySpikeLm::collate))
                                    .setOptimizer(adamW)
                                    .setEpochs(4)
                                    .addListener(listener)
                                    .build()) {
                trainer.fit();
            }
            double first = hidden.subList(0, 4).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
            double last = hidden.subList(12, 16).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
            assertTrue(last < first, "hidden-state MSE should fall: " + first + " → " + last);
            HfWeights.parameters(teacher)
                    .forEach((n, p) -> assertArrayEquals(before.get(n), p.getArray().toFloatArray(), 0f, n));
        }
    }

    /** Sentence pairs with next-sentence labels, and ids for the masker. */
    private static TrainingBatch preTrainingBatch() {
        EncodedBatch encoded = TinySpikeLm.encode(DATA.subList(0, 6));
        long[][] types = encoded.tokenTypeIds();
        for (long[] row : types) {
            for (int l = row.length / 2; l < row.length; l++) {
                row[l] = 1;
            }
        }
        return TrainingBatch.classification(encoded, new long[] {0, 1, 1, 0, 0, 1});
    }

    private static MlmMasker masker() {
        return MlmMasker.builder()
                .setVocabSize(TinySpikeLm.VOCAB)
                .setMaskTokenId(TinySpikeLm.MASK)
                .optSpecialTokenIds(List.of(TinySpikeLm.PAD, TinySpikeLm.CLS, TinySpikeLm.SEP))
                .optSelectProbability(0.3)
                .build();
    }

    @Test
    void preTrainingLossIsMaskedLmPlusNextSentence() {
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(new SpikeBertForPreTraining(noDropout(true)), manager, 22);
            TrainingBatch batch = preTrainingBatch();
            ParameterStore ps = new ParameterStore(manager, false);
            model.forward(ps, model.inputs(batch.inputs(), manager), false); // calibrates α

            float loss;
            Map<String, Float> reported;
            try (NDManager step = manager.newSubManager()) {
                StepContext context = new StepContext(step, new Random(99));
                loss = new PreTrainingObjective(masker()).loss(model, batch, context).getFloat();
                reported = context.reported();
            }

            EncodedBatch in = batch.inputs();
            MlmMasker.Masked masked = masker().mask(in.inputIds(), in.attentionMask(), new Random(99));
            assertTrue(masked.selectedCount() > 0);
            NDList out =
                    model.forward(
                            ps,
                            new EncodedBatch(masked.inputIds(), in.attentionMask(), in.tokenTypeIds()).toNDList(manager),
                            false);
            float mlm = Losses.softmaxCrossEntropy(out.get(0), manager.create(masked.labels())).getFloat();
            float nsp = Losses.softmaxCrossEntropy(out.get(1), batch.labelArray(manager)).getFloat();
            assertEquals(mlm + nsp, loss, 1e-5f);
            assertEquals(Map.of("mlm_loss", mlm, "nsp_loss", nsp), reported);
        }
    }

    @Test
    void preTrainingNeedsAnLmHeadAndNextSentenceLabels() {
        try (NDManager manager = NDManager.newBaseManager()) {
            var classifier = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(noDropout(true)), manager, 23);
            var nsp = TinySpikeLm.initialize(new SpikeBertForPreTraining(noDropout(true)), manager, 23);
            PreTrainingObjective objective = new PreTrainingObjective(masker());
            TrainingBatch unlabelled = TrainingBatch.unlabelled(preTrainingBatch().inputs());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> objective.loss(classifier, unlabelled, new StepContext(manager.newSubManager(), new Random(1))));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> objective.loss(nsp, unlabelled, new StepContext(manager.newSubManager(), new Random(1))));
        }
    }

    @Test
    void maskedLmPreTrainingRunsInTheTrainer() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = TinySpikeLm.initialize(new SpikeBertForMaskedLM(TinySpikeLm.config()), manager, 24);
            List<Map<String, Float>> components = new ArrayList<>();
            try (AdamW adamW =
                            AdamW.builder()
                                    .setModel(model)
                                    .setLearningRate(
                                            WarmupLinearSchedule.builder()
                                                    .setPeakValue(5e-3f)
                                                    .optWarmupSteps(2)
                                                    .optDecaySteps(8)
                                                    .build())
                                    .build();
                    SpikeLmTrainer trainer =
                            SpikeLmTrainer.builder()
                                    .setModel(model)
                                    .setObjective(new PreTrainingObjective(masker()))
                                    .setTrainData(
                                            BatchSource.shuffled(
                                                    DATA, 4, e -> TrainingBatch.unlabelled(TinySpikeLm.encode(e))))
                                    .setOptimizer(adamW)
                                    .setEpochs(2)
                                    .addListener(
                                            new TrainingListener() {
                                                @Override
                                                public void onStep(StepEvent event) {
                                                    components.add(event.components());
                                                    assertEquals(
                                                            adamW.getSchedule().getNewValue((int) event.step() - 1),
                                                            event.learningRate());
                                                }
                                            })
                                    .build()) {
                TrainingSummary summary = trainer.fit();
                assertEquals(2, summary.history().size());
                assertEquals(0f, adamW.getLearningRate(), "the decay has ended at step 8");
            }
            assertEquals(8, components.size());
            assertTrue(components.stream().allMatch(c -> c.keySet().equals(java.util.Set.of("mlm_loss"))));
            assertFalse(components.stream().anyMatch(c -> !Float.isFinite(c.get("mlm_loss"))));
        }
    }
}
