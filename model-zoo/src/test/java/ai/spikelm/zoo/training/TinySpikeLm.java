package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.SpikingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny generated SpikeLM-BERT (vocab 50, hidden 16, 2 layers, T = 2) and a separable synthetic
 * task: positive sentences draw their words from ids 10..29, negative ones from 30..49, both with
 * some shared filler (4..9).
 */
final class TinySpikeLm {

    static final long PAD = 0;
    static final long CLS = 1;
    static final long SEP = 2;
    static final long MASK = 3;
    static final int VOCAB = 50;

    private TinySpikeLm() {}

    /** One labelled sentence. */
    record Example(long[] ids, long label) {}

    static SpikeBertConfig config(boolean spiking, boolean learnableAlpha, float dropout) {
        SpikingConfig spikes =
                spiking
                        ? SpikingConfig.builder().optTimeSteps(2).optAlphaLearnable(learnableAlpha).build()
                        : SpikingConfig.ANN;
        return SpikeBertConfig.builder()
                .optVocabSize(VOCAB)
                .optHiddenSize(16)
                .optNumHiddenLayers(2)
                .optNumAttentionHeads(4)
                .optIntermediateSize(32)
                .optMaxPositionEmbeddings(16)
                .optHiddenDropoutProb(dropout)
                .optAttentionProbsDropoutProb(dropout)
                .optId2label(Map.of(0, "negative", 1, "positive"))
                .optSpiking(spikes)
                .build();
    }

    static SpikeBertConfig config() {
        return config(true, false, 0.1f);
    }

    /** Initialises a model with values from a seeded Java generator (engine-independent). */
    static <M extends SpikeBertPreTrainedModel> M initialize(M model, NDManager manager, long seed) {
        model.initialize(manager);
        Random random = new Random(seed);
        for (var e : HfWeights.parameters(model).entrySet()) {
            String name = e.getKey();
            Parameter p = e.getValue();
            if (name.endsWith(".alpha")) {
                continue;
            }
            float[] values = new float[Math.toIntExact(p.getArray().size())];
            boolean gamma = name.endsWith("LayerNorm.weight");
            boolean bias = name.endsWith("bias");
            for (int i = 0; i < values.length; i++) {
                values[i] = gamma ? 1f : bias ? 0f : (float) (random.nextGaussian() * 0.2);
            }
            p.getArray().set(values);
        }
        return model;
    }

    static List<Example> dataset(int n, long seed) {
        Random random = new Random(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long label = i % 2;
            int words = 3 + random.nextInt(8);
            long[] ids = new long[words + 2];
            ids[0] = CLS;
            for (int w = 1; w <= words; w++) {
                boolean filler = random.nextInt(4) == 0;
                ids[w] = filler ? 4 + random.nextInt(6) : (label == 1 ? 10 : 30) + random.nextInt(20);
            }
            ids[words + 1] = SEP;
            out.add(new Example(ids, label));
        }
        return out;
    }

    static EncodedBatch encode(List<Example> examples) {
        int length = examples.stream().mapToInt(e -> e.ids().length).max().orElseThrow();
        long[][] ids = new long[examples.size()][length];
        long[][] mask = new long[examples.size()][length];
        long[][] types = new long[examples.size()][length];
        for (int i = 0; i < examples.size(); i++) {
            long[] e = examples.get(i).ids();
            System.arraycopy(e, 0, ids[i], 0, e.length);
            java.util.Arrays.fill(mask[i], 0, e.length, 1);
        }
        return new EncodedBatch(ids, mask, types);
    }

    static TrainingBatch collate(List<Example> examples) {
        long[] labels = examples.stream().mapToLong(Example::label).toArray();
        return TrainingBatch.classification(encode(examples), labels);
    }

    /** Batches in a fixed order, for evaluation. */
    static List<TrainingBatch> batches(List<Example> examples, int size) {
        List<TrainingBatch> out = new ArrayList<>();
        for (int i = 0; i < examples.size(); i += size) {
            out.add(collate(examples.subList(i, Math.min(i + size, examples.size()))));
        }
        return out;
    }

    static double accuracy(float[][] logits, List<Example> examples) {
        int right = 0;
        for (int i = 0; i < logits.length; i++) {
            long predicted = logits[i][1] > logits[i][0] ? 1 : 0;
            right += predicted == examples.get(i).label() ? 1 : 0;
        }
        return (double) right / logits.length;
    }

    static AdamW adamW(SpikeBertPreTrainedModel model, float lr) {
        return AdamW.builder()
                .setModel(model)
                .setLearningRate(WarmupLinearSchedule.constant(lr))
                .optWeightDecay(0.01f)
                .build();
    }
}
