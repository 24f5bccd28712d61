package ai.spikelm.zoo.eval.glue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import ai.spikelm.zoo.bert.PairEncoding;
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
        return collate(examples, task, tokenizer, PairEncoding.CROSS);
    }

    /**
     * Tokenizes examples into one batch for a model that reads pairs as {@code pairs} says: a
     * cross-encoder's one sequence per pair ({@link #collate(List, GlueTask, HuggingFaceTokenizer)}),
     * or a siamese model's two, {@code [CLS] a [SEP]} and {@code [CLS] b [SEP]}, each truncated
     * on its own ({@link TrainingBatch#sentencePairs}).
     *
     * @param examples the examples, all single sentences or all pairs
     * @param task their task
     * @param tokenizer the tokenizer (its truncation and padding settings apply)
     * @param encoding how the model reads pairs
     * @return the batch
     * @throws IllegalArgumentException for siamese encoding of single sentences
     */
    public static TrainingBatch collate(
            List<GlueExample> examples, GlueTask task, HuggingFaceTokenizer tokenizer, PairEncoding encoding) {
        if (encoding == PairEncoding.SIAMESE) {
            if (!examples.get(0).hasTextB()) {
                throw new IllegalArgumentException(task + " has single sentences, not pairs: a siamese model cannot read it");
            }
            EncodedBatch firsts = EncodedBatch.of(tokenizer.batchEncode(examples.stream().map(GlueExample::textA).toList()));
            EncodedBatch seconds = EncodedBatch.of(tokenizer.batchEncode(examples.stream().map(GlueExample::textB).toList()));
            return task.isRegression()
                    ? TrainingBatch.sentencePairs(firsts, seconds, null, targets(examples))
                    : TrainingBatch.sentencePairs(firsts, seconds, labels(examples), null);
        }
        Encoding[] encodings;
        if (examples.get(0).hasTextB()) {
            PairList<String, String> pairs = new PairList<>();
            examples.forEach(e -> pairs.add(e.textA(), e.textB()));
            encodings = tokenizer.batchEncode(pairs);
        } else {
            encodings = tokenizer.batchEncode(examples.stream().map(GlueExample::textA).toList());
        }
        EncodedBatch inputs = EncodedBatch.of(encodings);
        return task.isRegression()
                ? TrainingBatch.regression(inputs, targets(examples))
                : TrainingBatch.classification(inputs, labels(examples));
    }

    private static float[] targets(List<GlueExample> examples) {
        float[] targets = new float[examples.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = examples.get(i).score();
        }
        return targets;
    }

    private static long[] labels(List<GlueExample> examples) {
        return examples.stream().mapToLong(GlueExample::label).toArray();
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
        return inOrder(examples, task, tokenizer, batchSize, PairEncoding.CROSS);
    }

    /**
     * Cuts examples, in order, into batches of at most {@code batchSize} examples for a model that
     * reads pairs as {@code pairs} says.
     *
     * @param examples the examples
     * @param task their task
     * @param tokenizer the tokenizer
     * @param batchSize examples per batch
     * @param pairs how the model reads pairs
     * @return the batches
     */
    public static List<TrainingBatch> inOrder(
            List<GlueExample> examples, GlueTask task, HuggingFaceTokenizer tokenizer, int batchSize, PairEncoding pairs) {
        List<TrainingBatch> batches = new ArrayList<>();
        for (int i = 0; i < examples.size(); i += batchSize) {
            batches.add(collate(examples.subList(i, Math.min(examples.size(), i + batchSize)), task, tokenizer, pairs));
        }
        return batches;
    }
}
