package ai.spikelm.examples.glue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.training.TrainingBatch;
import java.util.ArrayList;
import java.util.List;

/** GLUE examples as tokenized training batches: a sentence or a pair in, a label or score out. */
public final class GlueBatches {

    private GlueBatches() {}

    /**
     * Tokenizes examples into one batch (pairs as {@code [CLS] a [SEP] b [SEP]}), with class labels
     * or, for a regression task, float targets.
     *
     * @param examples the examples, all single sentences or all pairs
     * @param task their task
     * @param tokenizer the tokenizer (its truncation and padding settings apply)
     * @return the batch
     */
    public static TrainingBatch collate(List<GlueExample> examples, GlueTask task, HuggingFaceTokenizer tokenizer) {
        Encoding[] encodings;
        if (examples.get(0).hasTextB()) {
            PairList<String, String> pairs = new PairList<>();
            examples.forEach(e -> pairs.add(e.textA(), e.textB()));
            encodings = tokenizer.batchEncode(pairs);
        } else {
            encodings = tokenizer.batchEncode(examples.stream().map(GlueExample::textA).toList());
        }
        EncodedBatch inputs = EncodedBatch.of(encodings);
        if (task.isRegression()) {
            float[] targets = new float[examples.size()];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = examples.get(i).score();
            }
            return TrainingBatch.regression(inputs, targets);
        }
        long[] labels = examples.stream().mapToLong(GlueExample::label).toArray();
        return TrainingBatch.classification(inputs, labels);
    }

    /**
     * Cuts examples, in order, into batches of at most {@code batchSize}.
     *
     * @param examples the examples
     * @param task their task
     * @param tokenizer the tokenizer
     * @param batchSize examples per batch
     * @return the batches
     */
    public static List<TrainingBatch> inOrder(List<GlueExample> examples, GlueTask task, HuggingFaceTokenizer tokenizer, int batchSize) {
        List<TrainingBatch> batches = new ArrayList<>();
        for (int i = 0; i < examples.size(); i += batchSize) {
            batches.add(collate(examples.subList(i, Math.min(examples.size(), i + batchSize)), task, tokenizer));
        }
        return batches;
    }
}
