package ai.spikelm.langchain4j;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.spikelm.zoo.core.NativeMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DJL model with a pool of predictors, so one LangChain4j model instance serves concurrent
 * callers ({@code Predictor} is not thread-safe): each call borrows a predictor and returns it.
 *
 * <p>When the last concurrent call ends, and no call has begun {@value #TRIM_DELAY_MILLIS} ms
 * later, the C library's free memory is given back to the system ({@link NativeMemory#trim()}):
 * without it a burst from many threads leaves the process at its peak size, because glibc keeps
 * what PyTorch freed in per-thread arenas. {@code -Dspikelm.memory.trim=false} turns it off.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
final class PredictorPool<I, O> implements AutoCloseable {

    private final ZooModel<I, O> model;
    private final ConcurrentLinkedQueue<Predictor<I, O>> idle = new ConcurrentLinkedQueue<>();
    private final int batchSize;
    private final String task;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean trimPending = new AtomicBoolean();

    /** The quiet time after a burst before memory is trimmed, so back-to-back calls do not trim. */
    static final long TRIM_DELAY_MILLIS = 200;

    private static final boolean TRIM = !"false".equals(System.getProperty("spikelm.memory.trim"));

    /** One daemon thread for every pool: trims are rare and short. */
    private static final ScheduledExecutorService TRIMMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spikelm-memory-trim");
        t.setDaemon(true);
        return t;
    });

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
        inFlight.incrementAndGet();
        try {
            return predictOnce(inputs);
        } finally {
            if (inFlight.decrementAndGet() == 0) {
                scheduleTrim();
            }
        }
    }

    /** Trims once the pool has been idle for a moment; a call that starts meanwhile defers it. */
    private void scheduleTrim() {
        if (!TRIM || !NativeMemory.canTrim() || !trimPending.compareAndSet(false, true)) {
            return;
        }
        TRIMMER.schedule(() -> {
            trimPending.set(false);
            if (inFlight.get() == 0) {
                NativeMemory.trim();
            }
        }, TRIM_DELAY_MILLIS, TimeUnit.MILLISECONDS);
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
        if (TRIM) {
            NativeMemory.trim(); // the model's memory goes back to the system, not to an arena
        }
    }
}
