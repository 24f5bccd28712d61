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
import ai.spikelm.zoo.bert.SpikeBertModel;
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

    /** A bare ANN encoder and a SpikeLM encoder converted from it (α calibrated on one batch). */
    private static SpikeBertModel[] encoders(NDManager manager, TrainingBatch calibration) {
        var teacher = TinySpikeLm.initialize(new SpikeBertModel(noDropout(false), false), manager, 31);
        var student = new SpikeBertModel(noDropout(true), false);
        student.initialize(manager);
        student.loadWeights(teacher.exportWeights());
        student.forward(new ParameterStore(manager, false), student.inputs(calibration.inputs(), manager), false);
        return new SpikeBertModel[] {teacher, student};
    }

    @Test
    void generalDistillationIsTheWeightedSumOfHiddenAttentionEmbeddingAndSimilarityTerms() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainingBatch batch = TrainingBatch.unlabelled(TinySpikeLm.encode(DATA.subList(0, 6)));
            SpikeBertModel[] models = encoders(manager, batch);
            DistillationObjective kd =
                    DistillationObjective.builder()
                            .setTeacher(models[0])
                            .optHiddenWeight(2f)
                            .optAttentionWeight(0.5f)
                            .optEmbeddingWeight(3f)
                            .optSimilarityWeight(5f)
                            .build();
            float loss;
            Map<String, Float> reported;
            try (NDManager step = manager.newSubManager()) {
                StepContext context = new StepContext(step, new Random(1));
                loss = kd.loss(models[1], batch, context).getFloat();
                reported = context.reported();
            }
            ParameterStore ps = new ParameterStore(manager, false);
            NDList inputs = batch.inputs().toNDList(manager);
            var t = models[0].forwardWithHiddenStates(ps, inputs, false, true);
            var s = models[1].forwardWithHiddenStates(ps, inputs, false, true);
            NDArray mask = manager.create(batch.inputs().attentionMask());
            assertEquals(2, s.attentionLogProbs().size());
            assertEquals(new ai.djl.ndarray.types.Shape(2, 6, 4, s.hiddenStates().get(0).getShape().get(1), s.hiddenStates().get(0).getShape().get(1)),
                    s.attentionLogProbs().get(0).getShape(), "[T, B, H, L, L]");
            float hidden = Losses.hiddenStateMse(s.hiddenStates(), t.hiddenStates(), mask).getFloat();
            float attention = Losses.attentionKl(s.attentionLogProbs(), t.attentionLogProbs(), mask).getFloat();
            NDArray tokens = mask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).expandDims(2);
            NDArray pooledStudent = ai.spikelm.zoo.core.Pooling.MEAN.apply(s.outputs().get(0), tokens, false);
            NDArray pooledTeacher = ai.spikelm.zoo.core.Pooling.MEAN.apply(t.outputs().get(0), tokens, false);
            float embedding = Losses.cosineDistance(pooledStudent, pooledTeacher).getFloat();
            float similarity = Losses.similarityMse(pooledStudent, pooledTeacher).getFloat();
            assertEquals(2f * hidden + 0.5f * attention + 3f * embedding + 5f * similarity, loss, 1e-5f);
            assertEquals(
                    Map.of("hidden_mse", hidden, "attention_kl", attention, "embedding_cos", embedding, "similarity_mse", similarity),
                    reported);
            assertTrue(attention > 0 && embedding > 0 && similarity > 0, "a spiking student differs from its teacher");
        }
    }

    @Test
    void termsThatNeedAHeadAreRefusedForABareEncoder() {
        try (NDManager manager = NDManager.newBaseManager()) {
            var encoder = TinySpikeLm.initialize(new SpikeBertModel(noDropout(false), false), manager, 32);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> DistillationObjective.builder().setTeacher(encoder).optLogitWeight(1f).build());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> DistillationObjective.builder().setTeacher(encoder).optMlm(masker(), 1f).build());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> DistillationObjective.builder().setTeacher(encoder).optHiddenWeight(0f).build(),
                    "every weight zero: the logit default is 0 for a bare encoder");
        }
    }

    @Test
    void maskedLmTermScoresTheStudentOnTheMaskedText() {
        try (NDManager manager = NDManager.newBaseManager()) {
            var teacher = TinySpikeLm.initialize(new SpikeBertForMaskedLM(noDropout(false)), manager, 33);
            var student = new SpikeBertForMaskedLM(noDropout(true));
            student.initialize(manager);
            student.loadWeights(teacher.exportWeights());
            TrainingBatch batch = TrainingBatch.unlabelled(TinySpikeLm.encode(DATA.subList(0, 6)));
            ParameterStore ps = new ParameterStore(manager, false);
            student.forward(ps, student.inputs(batch.inputs(), manager), false); // calibrates α
            DistillationObjective kd =
                    DistillationObjective.builder().setTeacher(teacher).optHiddenWeight(0f).optMlm(masker(), 1f).build();
            float loss;
            try (NDManager step = manager.newSubManager()) {
                loss = kd.loss(student, batch, new StepContext(step, new Random(7))).getFloat();
            }
            EncodedBatch in = batch.inputs();
            MlmMasker.Masked masked = masker().mask(in.inputIds(), in.attentionMask(), new Random(7));
            NDList out = student.forward(
                    ps, new EncodedBatch(masked.inputIds(), in.attentionMask(), in.tokenTypeIds()).toNDList(manager), false);
            assertEquals(Losses.softmaxCrossEntropy(out.get(0), manager.create(masked.labels())).getFloat(), loss, 1e-5f);
        }
    }

    @Test
    void generalDistillationRaisesTheStudentsSimilarityToTheTeacher() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<TrainingBatch> all = TinySpikeLm.batches(DATA, 4).stream()
                    .map(b -> TrainingBatch.unlabelled(b.inputs()))
                    .toList();
            SpikeBertModel[] models = encoders(manager, all.get(0));
            List<Map<String, Float>> components = new ArrayList<>();
            Objective kd = DistillationObjective.builder()
                    .setTeacher(models[0])
                    .optAttentionWeight(1f)
                    .optEmbeddingWeight(1f)
                    .build();
            try (AdamW adamW = TinySpikeLm.adamW(models[1], 3e-3f);
                    SpikeLmTrainer trainer =
                            SpikeLmTrainer.builder()
                                    .setModel(models[1])
                                    .setObjective(kd)
                                    .setTrainData((epoch, random) -> all)
                                    .setOptimizer(adamW)
                                    .setEpochs(5)
                                    .addListener(new TrainingListener() {
                                        @Override
                                        public void onStep(StepEvent event) {
                                            components.add(event.components());
                                        }
                                    })
                                    .build()) {
                trainer.fit();
            }
            int n = all.size();
            for (String term : List.of("hidden_mse", "attention_kl", "embedding_cos")) {
                double first = components.subList(0, n).stream().mapToDouble(c -> c.get(term)).average().orElseThrow();
                double last = components.subList(components.size() - n, components.size()).stream()
                        .mapToDouble(c -> c.get(term)).average().orElseThrow();
                assertTrue(last < first, term + " should fall over the epochs: " + first + " -> " + last);
            }
        }
    }
}
