package ai.spikelm.zoo.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.core.TrainableModel;
import java.util.List;

/**
 * Perplexity of a causal language model on token windows: exp of the mean negative
 * log-likelihood of every next token, in inference mode, with every array freed after its batch.
 *
 * @param negativeLogLikelihood the summed −ln p(next token) over the predicted tokens
 * @param predictedTokens how many tokens were predicted
 * @param processedTokens how many tokens went through the model
 * @param seconds the wall-clock time of the forward passes
 */
public record Perplexity(double negativeLogLikelihood, long predictedTokens, long processedTokens, double seconds) {

    /**
     * Evaluates a model whose first output is next-token logits {@code [B, L, vocab]}.
     *
     * @param model the model
     * @param batches windows, for example from {@link TokenWindows#consecutive}
     * @return the perplexity and throughput
     * @throws IllegalArgumentException if there is nothing to predict
     */
    public static Perplexity evaluate(TrainableModel model, List<TrainingBatch> batches) {
        List<NDArray> arrays = ParameterScope.arrays(model);
        if (arrays.isEmpty()) {
            throw new IllegalStateException("The model is not initialized");
        }
        double nll = 0;
        long predicted = 0;
        long processed = 0;
        long start = System.nanoTime();
        try (NDManager base = NDManager.newBaseManager(arrays.get(0).getDevice())) {
            for (TrainingBatch batch : batches) {
                try (NDManager manager = base.newSubManager()) {
                    ParameterScope.lend(arrays, manager);
                    NDList out = model.forward(new ParameterStore(manager, false), model.inputs(batch.inputs(), manager), false);
                    long[][] labels = CausalLmObjective.nextTokenLabels(batch.inputs());
                    NDArray labelArray = manager.create(labels);
                    NDArray counted = labelArray.neq(Losses.IGNORE_INDEX);
                    long n = counted.sum().getLong();
                    if (n > 0) {
                        // Losses gives the mean over counted positions; times n is their sum.
                        nll += Losses.softmaxCrossEntropy(out.get(0), labelArray).getFloat() * (double) n;
                        predicted += n;
                    }
                    processed += batch.inputs().realTokens();
                }
            }
        }
        if (predicted == 0) {
            throw new IllegalArgumentException("no token to predict: the text needs at least one window of two tokens");
        }
        return new Perplexity(nll, predicted, processed, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Returns the mean negative log-likelihood per predicted token (nats).
     *
     * @return the cross-entropy
     */
    public double crossEntropy() {
        return negativeLogLikelihood / predictedTokens;
    }

    /**
     * Returns the perplexity.
     *
     * @return exp(cross-entropy)
     */
    public double perplexity() {
        return Math.exp(crossEntropy());
    }

    /**
     * Returns the evaluation throughput.
     *
     * @return tokens through the model per second
     */
    public double tokensPerSecond() {
        return seconds > 0 ? processedTokens / seconds : 0;
    }
}
