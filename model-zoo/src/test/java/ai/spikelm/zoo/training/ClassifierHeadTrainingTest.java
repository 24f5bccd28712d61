package ai.spikelm.zoo.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertForSequenceClassification;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.Pooling;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The head options train on a tiny spiking model: a head on the mean of the real tokens ({@code
 * classifier_pooling = mean}), the encoder frozen or at its own learning rate, and a siamese
 * sentence-pair head ({@code pair_encoding = siamese}).
 */
class ClassifierHeadTrainingTest {

    private static final List<TinySpikeLm.Example> TRAIN = TinySpikeLm.dataset(32, 1);
    private static final List<TinySpikeLm.Example> DEV = TinySpikeLm.dataset(32, 2);

    private static SpikeBertForSequenceClassification model(NDManager manager) {
        SpikeBertConfig config = TinySpikeLm.config(true, false, 0f).toBuilder().optClassifierPooling(Pooling.MEAN).build();
        return TinySpikeLm.initialize(new SpikeBertForSequenceClassification(config), manager, 5);
    }

    private static Map<String, float[]> weights(SpikeBertForSequenceClassification model, boolean encoder) {
        Map<String, float[]> out = new LinkedHashMap<>();
        HfWeights.parameters(model).forEach((name, p) -> {
            if (model.isEncoderWeight(name) == encoder && !name.endsWith(".alpha")) {
                out.put(name, p.getArray().toFloatArray());
            }
        });
        return out;
    }

    /** Trains at lr 1e-2; returns the best dev accuracy and adds every step's loss to {@code losses}. */
    private static double train(SpikeBertForSequenceClassification model, AdamW adamW, int epochs, List<Float> losses)
            throws IOException {
        try (SpikeLmTrainer<?> trainer = SpikeLmTrainer.builder()
                .setModel(model)
                .setObjective(new TaskObjective())
                .setTrainData(BatchSource.shuffled(TRAIN, 8, TinySpikeLm::collate))
                .setOptimizer(adamW)
                .setEpochs(epochs)
                .optEvaluator((m, epoch) -> EvaluationResult.of(
                        "accuracy", TinySpikeLm.accuracy(Predictions.logits(m, TinySpikeLm.batches(DEV, 8)), DEV)))
                .addListener(new TrainingListener() {
                    @Override
                    public void onStep(StepEvent event) {
                        losses.add(event.loss());
                    }
                })
                .build()) {
            return trainer.fit().bestValue();
        }
    }

    private static double mean(List<Float> values) {
        return values.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
    }

    @Test
    void aMeanPooledSpikingClassifierLearnsTheTask() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertForSequenceClassification model = model(manager);
            List<Float> losses = new java.util.ArrayList<>();
            double accuracy;
            try (AdamW adamW = TinySpikeLm.adamW(model, 1e-2f)) {
                accuracy = train(model, adamW, 8, losses);
            }
            assertEquals(32, losses.size(), "4 steps per epoch for 8 epochs");
            double first = mean(losses.subList(0, 4));
            double last = mean(losses.subList(28, 32));
            assertTrue(last < 0.5 * first, "loss should fall: first epoch " + first + ", last " + last);
            assertTrue(accuracy >= 0.9, "dev accuracy of the best epoch: " + accuracy);
        }
    }

    @Test
    void aFrozenEncoderStaysBitForBitWhileTheHeadTrains() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertForSequenceClassification model = model(manager);
            Map<String, float[]> encoderBefore = weights(model, true);
            Map<String, float[]> headBefore = weights(model, false);
            HfWeights.parameters(model).forEach((name, p) -> {
                if (model.isEncoderWeight(name)) {
                    p.freeze(true);
                }
            });
            try (AdamW adamW = TinySpikeLm.adamW(model, 1e-2f)) {
                train(model, adamW, 1, new java.util.ArrayList<>());
            }
            weights(model, true).forEach((name, v) -> assertArrayEquals(encoderBefore.get(name), v, 0f, name + " is frozen"));
            weights(model, false).forEach((name, v) ->
                    assertFalse(java.util.Arrays.equals(headBefore.get(name), v), name + " is trained"));
        }
    }

    @Test
    void aSmallerEncoderLearningRateMovesTheEncoderLess() throws IOException {
        double[] encoderShift = new double[2];
        double[] scales = {1, 0.1};
        for (int i = 0; i < 2; i++) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeBertForSequenceClassification model = model(manager);
                Map<String, float[]> before = weights(model, true);
                double scale = scales[i];
                try (AdamW adamW = AdamW.builder()
                        .setModel(model)
                        .setLearningRate(WarmupLinearSchedule.constant(1e-2f))
                        .optLearningRateScale(name -> model.isEncoderWeight(name) ? scale : 1)
                        .build()) {
                    train(model, adamW, 1, new java.util.ArrayList<>());
                }
                double sum = 0;
                for (var e : weights(model, true).entrySet()) {
                    float[] a = before.get(e.getKey());
                    for (int j = 0; j < a.length; j++) {
                        sum += Math.abs(e.getValue()[j] - a[j]);
                    }
                }
                encoderShift[i] = sum;
            }
        }
        // Adam moves each weight by about its rate per step, so a tenth of the rate moves it far less.
        assertTrue(encoderShift[1] < 0.3 * encoderShift[0],
                "encoder moved " + encoderShift[0] + " at the full rate, " + encoderShift[1] + " at a tenth");
    }

    /** Two sentences, labelled 1 when the second is the first with its words in reverse order. */
    private record Pair(TinySpikeLm.Example a, TinySpikeLm.Example b, long label) {}

    /**
     * Paraphrase detection in miniature: every other sentence is paired with itself reversed
     * (between [CLS] and [SEP]), the others with an unrelated sentence of the same class, so that
     * only a comparison of the two sentences can tell the labels apart.
     */
    private static List<Pair> pairs(List<TinySpikeLm.Example> sentences) {
        List<Pair> out = new java.util.ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            TinySpikeLm.Example a = sentences.get(i);
            if (i % 4 < 2) {
                long[] reversed = a.ids().clone();
                for (int l = 1, r = reversed.length - 2; l < r; l++, r--) {
                    long t = reversed[l];
                    reversed[l] = reversed[r];
                    reversed[r] = t;
                }
                out.add(new Pair(a, new TinySpikeLm.Example(reversed, a.label()), 1));
            } else {
                out.add(new Pair(a, sentences.get((i + 2) % sentences.size()), 0));
            }
        }
        return out;
    }

    private static TrainingBatch collatePairs(List<Pair> pairs) {
        return TrainingBatch.sentencePairs(
                TinySpikeLm.encode(pairs.stream().map(Pair::a).toList()),
                TinySpikeLm.encode(pairs.stream().map(Pair::b).toList()),
                pairs.stream().mapToLong(Pair::label).toArray(),
                null);
    }

    @Test
    void aSiameseHeadFitsParaphrasePairsOnASpikingEncoder() throws IOException {
        // A random tiny spiking encoder does not generalise this (dev stays near chance: it has
        // learned no language); what is checked is that loss and labels flow through the pair
        // head and back into the encoder, so the training pairs are fitted.
        List<Pair> train = pairs(TinySpikeLm.dataset(32, 3));
        List<TrainingBatch> trainInOrder = List.of(collatePairs(train.subList(0, 16)), collatePairs(train.subList(16, 32)));
        long[] trainLabels = train.stream().mapToLong(Pair::label).toArray();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertConfig config = TinySpikeLm.config(true, false, 0f).toBuilder()
                    .optClassifierPooling(Pooling.MEAN)
                    .optPairEncoding(ai.spikelm.zoo.bert.PairEncoding.SIAMESE)
                    .build();
            var model = TinySpikeLm.initialize(new SpikeBertForSequenceClassification(config), manager, 6);
            Map<String, float[]> encoderBefore = weights(model, true);
            List<Float> losses = new java.util.ArrayList<>();
            double accuracy;
            try (AdamW adamW = TinySpikeLm.adamW(model, 1e-2f);
                    SpikeLmTrainer<?> trainer = SpikeLmTrainer.builder()
                            .setModel(model)
                            .setObjective(new TaskObjective())
                            .setTrainData(BatchSource.shuffled(train, 8, ClassifierHeadTrainingTest::collatePairs))
                            .setOptimizer(adamW)
                            .setEpochs(8)
                            .optEvaluator((m, epoch) -> {
                                float[][] logits = Predictions.logits(m, trainInOrder);
                                int right = 0;
                                for (int i = 0; i < logits.length; i++) {
                                    right += (logits[i][1] > logits[i][0] ? 1 : 0) == trainLabels[i] ? 1 : 0;
                                }
                                return EvaluationResult.of("accuracy", (double) right / logits.length);
                            })
                            .addListener(new TrainingListener() {
                                @Override
                                public void onStep(StepEvent event) {
                                    losses.add(event.loss());
                                    assertEquals(8, event.examples(), "a step counts pairs, not sequences");
                                }

                            })
                            .build()) {
                accuracy = trainer.fit().bestValue();
            }
            assertEquals(32, losses.size(), "4 batches of 8 pairs for 8 epochs");
            double first = mean(losses.subList(0, 4));
            double last = mean(losses.subList(28, 32));
            assertTrue(last < 0.5 * first, "loss should fall: first epoch " + first + ", last " + last);
            assertTrue(accuracy >= 0.9, "training-pair accuracy of the best epoch (half are paraphrases): " + accuracy);
            weights(model, true).forEach((name, v) ->
                    assertFalse(java.util.Arrays.equals(encoderBefore.get(name), v), name + " learns through the pair head"));
        }
    }
}
