package ai.spikelm.examples.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stops a long command cleanly on Ctrl-C or SIGTERM, or after a time limit: the work in progress
 * reaches its next step boundary, the command writes what it writes when it stops (a trainer its
 * {@code last/} checkpoint), releases the engine's memory and only then lets the JVM exit.
 *
 * <p>Why: on a signal the JVM runs its shutdown hooks and then exits while other threads are still
 * running. A thread that is inside PyTorch at that moment (a backward pass, say) then runs on while
 * the native library is torn down, and the JVM dies with SIGSEGV and an {@code hs_err} file,
 * leaving whatever it was writing half done. Here the hook asks the command to stop and waits for
 * it to finish ({@link #close()}).
 *
 * <pre>{@code
 * try (CleanStop stop = CleanStop.install("pretrain-lm")) {          // outside the NDManager
 *     try (NDManager manager = NDManager.newBaseManager()) {
 *         ...
 *         stop.onStop(trainer::requestStop);                           // the trainer's step boundary
 *         stop.stopAfter(maxMinutes);                                  // optional
 *         trainer.fit();
 *         if (stop.isRequested()) { ... report where it stopped; skip the rest ... }
 *     }
 * }                                                                    // the JVM may exit now
 * }</pre>
 */
final class CleanStop implements AutoCloseable {

    /** How long the shutdown hook waits for the command; past it the JVM exits anyway. */
    private static final long WAIT_MINUTES = 10;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<Runnable> actions = new CopyOnWriteArrayList<>();
    private final AtomicBoolean requested = new AtomicBoolean();
    private final Thread hook;
    private ScheduledExecutorService timer;

    private CleanStop(String command) {
        hook = new Thread(() -> {
            request();
            try {
                finished.await(WAIT_MINUTES, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "spikelm-" + command + "-stop");
    }

    /**
     * Installs the shutdown hook for a command; close it when the command has released everything.
     *
     * @param command the command's name, for the hook thread's name
     * @return the installed stop
     */
    static CleanStop install(String command) {
        CleanStop stop = new CleanStop(command);
        Runtime.getRuntime().addShutdownHook(stop.hook);
        return stop;
    }

    /**
     * Registers what asks the work to stop at its next boundary, such as {@code
     * trainer::requestStop}; it runs at once if a stop was already requested. It must be quick and
     * safe to call from any thread, and more than once.
     *
     * @param action the request
     */
    void onStop(Runnable action) {
        actions.add(action);
        if (requested.get()) {
            action.run();
        }
    }

    /**
     * Requests a stop after a time, as a signal would.
     *
     * @param minutes the limit, or null for none
     */
    synchronized void stopAfter(Double minutes) {
        if (minutes == null) {
            return;
        }
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, hook.getName() + "-timer");
                t.setDaemon(true);
                return t;
            });
        }
        timer.schedule(this::request, Math.round(minutes * 60_000), TimeUnit.MILLISECONDS);
    }

    /** Requests a stop: runs every registered action once. */
    void request() {
        if (requested.compareAndSet(false, true)) {
            actions.forEach(Runnable::run);
        }
    }

    /**
     * Tells whether a stop was requested (by a signal or the time limit), so that the command skips
     * what it would do after a complete run.
     *
     * @return true once requested
     */
    boolean isRequested() {
        return requested.get();
    }

    /**
     * Tells whether the JVM is shutting down, as after a signal (not after a time limit). Charts are
     * skipped then: Java's imaging registers a shutdown hook when it starts, which the JVM refuses
     * while it exits.
     *
     * @return true while shutdown hooks run
     */
    static boolean jvmShuttingDown() {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /**
     * Runs a chart writer unless the JVM is shutting down, saying so on the console instead.
     *
     * @param console where to say it
     * @param draw writes the chart
     * @throws IOException if the chart cannot be written
     */
    static void drawUnlessShuttingDown(java.io.PrintWriter console, ChartWriter draw) throws IOException {
        if (jvmShuttingDown()) {
            console.println("no chart: the JVM is exiting on a signal; run the same command again to finish and draw it");
        } else {
            draw.write();
        }
    }

    /** Writes a chart. */
    @FunctionalInterface
    interface ChartWriter {
        /**
         * Writes it.
         *
         * @throws IOException if it cannot be written
         */
        void write() throws IOException;
    }

    /** Ends the timer and lets a waiting shutdown hook, and so the JVM, go on. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook is waiting for this command to finish.
        }
        finished.countDown();
    }
}
