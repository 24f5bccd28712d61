package ai.spikelm.langchain4j;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.spikelm.zoo.core.BurstTrimmer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A DJL model with a pool of predictors, so one LangChain4j model instance serves concurrent
 * callers ({@code Predictor} is not thread-safe): each call borrows a predictor and returns it.
 *
 * <p>Memory freed during a burst of calls goes back to the system after it ({@link BurstTrimmer}).
 *
 * @param <I> the input type
 * @param <O> the output type
 */
final class PredictorPool<I, O> implements AutoCloseable {

    private final ZooModel<I, O> model;
    private final ConcurrentLinkedQueue<Predictor<I, O>> idle = new ConcurrentLinkedQueue<>();
    private final int batchSize;
    private final String task;
    private final BurstTrimmer trimmer = new BurstTrimmer();

    PredictorPool(ZooModel<I, O> model, int batchSize, String task) {
        this.model = model;
        this.batchSize = batchSize;
        this.task = task;
    }

    ZooModel<I, O> model() {
        return model;
    }

    /** Runs the inputs in batches of {@code batchSize} on a borrowed predictor. */
    List<O> predict(List<I> inputs) {
        return trimmer.call(() -> predictOnce(inputs));
    }

    private List<O> predictOnce(List<I> inputs) {
        Predictor<I, O> predictor = idle.poll();
        if (predictor == null) {
            predictor = model.newPredictor();
        }
        try {
            List<O> out = new ArrayList<>(inputs.size());
            for (int i = 0; i < inputs.size(); i += batchSize) {
                out.addAll(predictor.batchPredict(inputs.subList(i, Math.min(inputs.size(), i + batchSize))));
            }
            return out;
        } catch (TranslateException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("SpikeLM " + task + " failed: " + cause.getMessage(), e);
        } finally {
            idle.offer(predictor);
        }
    }

    /** Closes the predictors and the model. */
    @Override
    public void close() {
        Predictor<I, O> p;
        while ((p = idle.poll()) != null) {
            p.close();
        }
        model.close();
        BurstTrimmer.trimNow();
    }
}
