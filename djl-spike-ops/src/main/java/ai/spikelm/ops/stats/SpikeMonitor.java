package ai.spikelm.ops.stats;

import ai.djl.nn.Block;
import ai.spikelm.ops.BlockPaths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects firing rates and synaptic operations from a model while it runs.
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * try (SpikeMonitor monitor = SpikeMonitor.attach(model.getBlock())) {
 *     predictor.predict(input);
 *     EnergyEstimate energy = EnergyModel.DEFAULT.estimate(monitor.snapshot());
 * }
 * }</pre>
 *
 * <p>Sites are named by the block's path in the model ({@link BlockPaths}), such as {@code
 * encoder.layer.0.attention.self.query}; the root is {@code root}. Recording is thread-safe, so one
 * monitor can watch a model served by several predictors; it then sums over all of them. Closing
 * the monitor detaches it from every block it was attached to.
 *
 * <p>When several threads share one model and each needs the counts of its own forward passes (a
 * task, a request), each copies what it records into a monitor of its own while the model's monitor
 * stays attached ({@link #copyThreadInto}):
 *
 * <pre>{@code
 * SpikeMonitor mine = new SpikeMonitor();
 * try (SpikeMonitor.ThreadCopy copy = SpikeMonitor.copyThreadInto(mine)) {
 *     model.forward(...);                                 // on this thread
 * }
 * EnergyEstimate energy = EnergyModel.DEFAULT.estimate(mine.snapshot());
 * }</pre>
 */
public final class SpikeMonitor implements AutoCloseable {

    /** The monitor the current thread copies its records into, if any. */
    private static final ThreadLocal<SpikeMonitor> THREAD_COPY = new ThreadLocal<>();

    private final Map<String, Site> sites = new LinkedHashMap<>();
    private final List<MonitoredBlock> attached = new ArrayList<>();

    /** Creates a monitor attached to nothing; use {@link #site(String)} to record by hand. */
    public SpikeMonitor() {}

    /**
     * Creates a monitor and attaches it to every {@link MonitoredBlock} in the tree under {@code
     * root} (including root).
     *
     * @param root the model's root block
     * @return the monitor
     */
    public static SpikeMonitor attach(Block root) {
        SpikeMonitor monitor = new SpikeMonitor();
        BlockPaths.walk(
                root,
                (path, block) -> {
                    if (block instanceof MonitoredBlock) {
                        MonitoredBlock monitored = (MonitoredBlock) block;
                        monitored.attachMonitor(monitor.site(path.isEmpty() ? "root" : path));
                        synchronized (monitor.attached) {
                            monitor.attached.add(monitored);
                        }
                    }
                });
        return monitor;
    }

    /**
     * Returns the site of that name, creating it if needed.
     *
     * @param name the site name
     * @return the site
     */
    public Site site(String name) {
        synchronized (sites) {
            return sites.computeIfAbsent(name, n -> new Site(n, this));
        }
    }

    /**
     * Copies everything the calling thread records from now on, at the sites of any monitor, into
     * {@code target} too, under the same site names, until the returned copy is closed. The
     * monitor attached to the model still counts everything; {@code target} gets this thread's
     * share only, so threads that share one model can each measure their own forward passes (a
     * forward pass records on the thread that runs it).
     *
     * @param target where to copy this thread's records
     * @return the copy; close it on this thread to stop (the copy it replaced, if any, resumes)
     */
    public static ThreadCopy copyThreadInto(SpikeMonitor target) {
        ThreadCopy copy = new ThreadCopy(THREAD_COPY.get());
        THREAD_COPY.set(java.util.Objects.requireNonNull(target, "target"));
        return copy;
    }

    /** A thread's copy of its records into another monitor ({@link #copyThreadInto}). */
    public static final class ThreadCopy implements AutoCloseable {
        private final SpikeMonitor previous;
        private final Thread thread = Thread.currentThread();
        private boolean closed;

        private ThreadCopy(SpikeMonitor previous) {
            this.previous = previous;
        }

        /**
         * Stops copying (closing again does nothing).
         *
         * @throws IllegalStateException if called on another thread than the one that started it
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException(
                        "A thread copy is closed on the thread that started it (" + thread.getName() + ")");
            }
            closed = true;
            if (previous == null) {
                THREAD_COPY.remove();
            } else {
                THREAD_COPY.set(previous);
            }
        }
    }

    /** The site of this name in the thread's copy target, or null (none, or it is this monitor). */
    private Site threadCopy(String name) {
        SpikeMonitor target = THREAD_COPY.get();
        return target == null || target == this ? null : target.site(name);
    }

    /**
     * Returns a consistent copy of every site's counts, in attachment order.
     *
     * @return the statistics
     */
    public List<SiteStatistics> snapshot() {
        List<Site> copy;
        synchronized (sites) {
            copy = new ArrayList<>(sites.values());
        }
        List<SiteStatistics> out = new ArrayList<>(copy.size());
        for (Site site : copy) {
            out.add(site.snapshot());
        }
        return out;
    }

    /** Clears all counts, keeping the attachment. */
    public void reset() {
        synchronized (sites) {
            sites.values().forEach(Site::reset);
        }
    }

    /** Detaches from every block this monitor was attached to. */
    @Override
    public void close() {
        synchronized (attached) {
            attached.forEach(block -> block.attachMonitor(null));
            attached.clear();
        }
    }

    /**
     * The recorder of one block. All methods are thread-safe; what a thread records is copied into
     * its {@link #copyThreadInto thread copy} too, if it has one.
     */
    public static final class Site {
        private final String name;
        private final SpikeMonitor owner;
        private long[] nonZero = new long[0];
        private long[] elements = new long[0];
        private long macs;
        private long synapticOps;
        private long realValuedMacs;
        private long stepEntries;
        private long stepChanges;

        Site(String name, SpikeMonitor owner) {
            this.name = name;
            this.owner = owner;
        }

        /**
         * Returns the site's name.
         *
         * @return the name
         */
        public String name() {
            return name;
        }

        /**
         * Adds the spikes of one forward pass.
         *
         * @param nonZeroPerStep non-zero spikes at each time step
         * @param elementsPerStep spike sites per time step (the same at every step)
         */
        public void recordSpikes(long[] nonZeroPerStep, long elementsPerStep) {
            synchronized (this) {
                if (nonZero.length < nonZeroPerStep.length) {
                    nonZero = java.util.Arrays.copyOf(nonZero, nonZeroPerStep.length);
                    elements = java.util.Arrays.copyOf(elements, nonZeroPerStep.length);
                }
                for (int t = 0; t < nonZeroPerStep.length; t++) {
                    nonZero[t] += nonZeroPerStep[t];
                    elements[t] += elementsPerStep;
                }
            }
            // Outside this site's lock: a copy never holds two sites' locks at once.
            Site copy = owner.threadCopy(name);
            if (copy != null) {
                copy.recordSpikes(nonZeroPerStep, elementsPerStep);
            }
        }

        /**
         * Adds the work of a layer whose inputs are spikes.
         *
         * @param annMacs the MACs of the equivalent ANN layer (one pass)
         * @param accumulates the accumulates triggered by non-zero spikes, over all time steps
         */
        public void recordSynapticOps(long annMacs, long accumulates) {
            synchronized (this) {
                macs += annMacs;
                synapticOps += accumulates;
            }
            Site copy = owner.threadCopy(name);
            if (copy != null) {
                copy.recordSynapticOps(annMacs, accumulates);
            }
        }

        /**
         * Adds how often spikes change between time steps: of {@code entries} spike entries at
         * steps 1..T−1, {@code changed} differ in sign from the same entry at the step before.
         *
         * @param entries the entries compared
         * @param changed how many of them changed
         */
        public void recordStepChanges(long entries, long changed) {
            synchronized (this) {
                stepEntries += entries;
                stepChanges += changed;
            }
            Site copy = owner.threadCopy(name);
            if (copy != null) {
                copy.recordStepChanges(entries, changed);
            }
        }

        /**
         * Adds the work of a layer whose inputs are real-valued (counted as MACs in both models).
         *
         * @param annMacs the MACs of one pass
         * @param spikingMacs the MACs the spiking model does (for example T times {@code annMacs})
         */
        public void recordRealValuedMacs(long annMacs, long spikingMacs) {
            synchronized (this) {
                macs += annMacs;
                realValuedMacs += spikingMacs;
            }
            Site copy = owner.threadCopy(name);
            if (copy != null) {
                copy.recordRealValuedMacs(annMacs, spikingMacs);
            }
        }

        synchronized SiteStatistics snapshot() {
            return new SiteStatistics(
                    name, nonZero.clone(), elements.clone(), macs, synapticOps, realValuedMacs, stepEntries, stepChanges);
        }

        synchronized void reset() {
            java.util.Arrays.fill(nonZero, 0);
            java.util.Arrays.fill(elements, 0);
            macs = 0;
            synapticOps = 0;
            realValuedMacs = 0;
            stepEntries = 0;
            stepChanges = 0;
        }
    }
}
