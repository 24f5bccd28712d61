package ai.spikelm.examples.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.eval.SentenceEmbedder;
import ai.spikelm.zoo.eval.StsEvaluator;
import java.util.List;

/** Sentence vectors from an encoder, and their cosine similarities. */
final class Embeddings {

    private Embeddings() {}

    /** Pooled, L2-normalised vectors of the texts, all in one batch (command-line texts are few). */
    static float[][] embed(
            SpikeBertPreTrainedModel model, HuggingFaceTokenizer tokenizer, List<String> texts, Pooling pooling) {
        return SentenceEmbedder.builder()
                .setModel(model)
                .setTokenizer(tokenizer)
                .optPooling(pooling)
                .optBatchSize(Math.max(1, texts.size()))
                .build()
                .embed(texts);
    }

    /** Cosine similarity matrix. */
    static double[][] similarities(float[][] vectors) {
        double[][] s = new double[vectors.length][vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            for (int j = 0; j < vectors.length; j++) {
                s[i][j] = StsEvaluator.cosine(vectors[i], vectors[j]);
            }
        }
        return s;
    }
}
