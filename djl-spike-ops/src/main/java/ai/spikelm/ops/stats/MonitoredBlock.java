package ai.spikelm.ops.stats;

/**
 * A block that can report spikes or synaptic operations to a {@link SpikeMonitor}.
 *
 * <p>Implementations keep the site in a volatile field and record only while it is non-null, so an
 * unmonitored model pays nothing.
 */
public interface MonitoredBlock {

    /**
     * Installs or removes the recorder for this block.
     *
     * @param site where to record, or {@code null} to stop recording
     */
    void attachMonitor(SpikeMonitor.Site site);
}
