package ai.spikelm.zoo.core;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Gives the C library's free memory back to the system after a burst of calls: when the last
 * concurrent call ends, and no call has begun {@value #TRIM_DELAY_MILLIS} ms later, {@link
 * NativeMemory#trim()} runs. Without it a burst from many threads leaves the process at its peak
 * size, because glibc keeps what PyTorch freed in per-thread arenas. {@code
 * -Dspikelm.memory.trim=false} turns it off. The LangChain4j embedding and scoring models and the
 * server's model calls each count their calls with one.
 *
 * <pre>{@code
 * BurstTrimmer trimmer = new BurstTrimmer();                 // one per served model
 * List<TextEmbedding> vectors = trimmer.call(() -> pipeline.embed(texts));
 * }</pre>
 */
public final class BurstTrimmer {

    /** The quiet time after a burst before memory is trimmed, so back-to-back calls do not trim. */
    public static final long TRIM_DELAY_MILLIS = 200;

    private static final boolean TRIM = !"false".equals(System.getProperty("spikelm.memory.trim"));

    /** One daemon thread for every model: trims are rare and short. */
    private static final ScheduledExecutorService TRIMMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spikelm-memory-trim");
        t.setDaemon(true);
        return t;
    });

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean trimPending = new AtomicBoolean();

    /** Creates a trimmer with no call in flight. */
    public BurstTrimmer() {}

    /**
     * Runs one call, counted in the burst.
     *
     * @param call the call
     * @param <T> its result type
     * @return its result
     */
    public <T> T call(Supplier<T> call) {
        inFlight.incrementAndGet();
        try {
            return call.get();
        } finally {
            if (inFlight.decrementAndGet() == 0) {
                scheduleTrim();
            }
        }
    }

    /** Trims now, as after closing a model: its memory goes back to the system, not to an arena. */
    public static void trimNow() {
        if (TRIM) {
            NativeMemory.trim();
        }
    }

    /** Trims once idle for a moment; a call that starts meanwhile defers it. */
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
}
