package ai.spikelm.examples.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.Pooling;
import java.util.List;

/** Sentence vectors from an encoder, and their cosine similarities. */
final class Embeddings {

    private Embeddings() {}

    /** Pooled, L2-normalised vectors of the texts. */
    static float[][] embed(
            SpikeBertPreTrainedModel model, HuggingFaceTokenizer tokenizer, List<String> texts, Pooling pooling) {
        EncodedBatch batch = EncodedBatch.encode(tokenizer, texts);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList inputs = batch.toNDList(manager);
            NDArray hidden = model.forward(new ParameterStore(manager, false), inputs, false).get(0);
            NDArray mask = inputs.get(1).toType(DataType.FLOAT32, false).expandDims(2);
            NDArray pooled = pooling.apply(hidden, mask, true);
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = pooled.get(i).toFloatArray();
            }
            return out;
        }
    }

    /** Cosine similarity matrix of unit vectors. */
    static double[][] similarities(float[][] vectors) {
        double[][] s = new double[vectors.length][vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            for (int j = 0; j < vectors.length; j++) {
                double dot = 0;
                for (int k = 0; k < vectors[i].length; k++) {
                    dot += vectors[i][k] * vectors[j][k];
                }
                s[i][j] = dot;
            }
        }
        return s;
    }
}
