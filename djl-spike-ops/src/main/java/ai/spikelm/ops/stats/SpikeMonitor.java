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
 */
public final class SpikeMonitor implements AutoCloseable {

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
            return sites.computeIfAbsent(name, Site::new);
        }
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

    /** The recorder of one block. All methods are thread-safe. */
    public static final class Site {
        private final String name;
        private long[] nonZero = new long[0];
        private long[] elements = new long[0];
        private long macs;
        private long synapticOps;
        private long realValuedMacs;

        Site(String name) {
            this.name = name;
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
        public synchronized void recordSpikes(long[] nonZeroPerStep, long elementsPerStep) {
            if (nonZero.length < nonZeroPerStep.length) {
                nonZero = java.util.Arrays.copyOf(nonZero, nonZeroPerStep.length);
                elements = java.util.Arrays.copyOf(elements, nonZeroPerStep.length);
            }
            for (int t = 0; t < nonZeroPerStep.length; t++) {
                nonZero[t] += nonZeroPerStep[t];
                elements[t] += elementsPerStep;
            }
        }

        /**
         * Adds the work of a layer whose inputs are spikes.
         *
         * @param annMacs the MACs of the equivalent ANN layer (one pass)
         * @param accumulates the accumulates triggered by non-zero spikes, over all time steps
         */
        public synchronized void recordSynapticOps(long annMacs, long accumulates) {
            macs += annMacs;
            synapticOps += accumulates;
        }

        /**
         * Adds the work of a layer whose inputs are real-valued (counted as MACs in both models).
         *
         * @param annMacs the MACs of one pass
         * @param spikingMacs the MACs the spiking model does (for example T times {@code annMacs})
         */
        public synchronized void recordRealValuedMacs(long annMacs, long spikingMacs) {
            macs += annMacs;
            realValuedMacs += spikingMacs;
        }

        synchronized SiteStatistics snapshot() {
            return new SiteStatistics(
                    name, nonZero.clone(), elements.clone(), macs, synapticOps, realValuedMacs);
        }

        synchronized void reset() {
            java.util.Arrays.fill(nonZero, 0);
            java.util.Arrays.fill(elements, 0);
            macs = 0;
            synapticOps = 0;
            realValuedMacs = 0;
        }
    }
}
