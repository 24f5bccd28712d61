package ai.spikelm.ops.stats;

import java.util.Arrays;

/**
 * An immutable snapshot of what one monitored site has recorded.
 *
 * <p>A neuron site has per-step spike counts; a layer site has synaptic operation counts; a site
 * may have both.
 */
public final class SiteStatistics {

    private final String name;
    private final long[] nonZero;
    private final long[] elements;
    private final long macs;
    private final long synapticOps;
    private final long realValuedMacs;
    private final long stepEntries;
    private final long stepChanges;

    SiteStatistics(
            String name,
            long[] nonZero,
            long[] elements,
            long macs,
            long synapticOps,
            long realValuedMacs,
            long stepEntries,
            long stepChanges) {
        this.name = name;
        this.nonZero = nonZero;
        this.elements = elements;
        this.macs = macs;
        this.synapticOps = synapticOps;
        this.realValuedMacs = realValuedMacs;
        this.stepEntries = stepEntries;
        this.stepChanges = stepChanges;
    }

    /**
     * Returns the site's name: the dotted path of the block in its model.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the number of time steps seen (0 for a site that recorded no spikes).
     *
     * @return T
     */
    public int timeSteps() {
        return nonZero.length;
    }

    /**
     * Returns whether this site recorded spikes.
     *
     * @return true for a neuron site
     */
    public boolean hasSpikes() {
        return nonZero.length > 0 && Arrays.stream(elements).sum() > 0;
    }

    /**
     * Returns the fraction of non-zero spikes at time step {@code t}.
     *
     * @param t the time step
     * @return the firing rate, NaN if nothing was recorded at that step
     */
    public double firingRate(int t) {
        return elements[t] == 0 ? Double.NaN : (double) nonZero[t] / elements[t];
    }

    /**
     * Returns the fraction of non-zero spikes over all time steps.
     *
     * @return the firing rate, NaN if nothing was recorded
     */
    public double firingRate() {
        long total = Arrays.stream(elements).sum();
        return total == 0 ? Double.NaN : (double) Arrays.stream(nonZero).sum() / total;
    }

    /**
     * Returns the number of non-zero spikes per time step.
     *
     * @return a copy of the counts
     */
    public long[] nonZeroPerStep() {
        return nonZero.clone();
    }

    /**
     * Returns the number of spike sites per time step.
     *
     * @return a copy of the counts
     */
    public long[] elementsPerStep() {
        return elements.clone();
    }

    /**
     * Returns the multiply-accumulates the equivalent ANN layer would do (one pass, no time
     * steps).
     *
     * @return the MAC count
     */
    public long macs() {
        return macs;
    }

    /**
     * Returns the synaptic operations (accumulates triggered by non-zero spikes, all time steps).
     *
     * @return the SOP count
     */
    public long synapticOps() {
        return synapticOps;
    }

    /**
     * Returns the multiply-accumulates that stay real-valued in the spiking model (their inputs are
     * not spikes).
     *
     * @return the MAC count
     */
    public long realValuedMacs() {
        return realValuedMacs;
    }

    /**
     * Returns the fraction of spike entries at steps 1..T−1 whose sign differs from the step before
     * (recorded by spiking layers at T &gt; 1). Below the firing rate, a product on the changes
     * between steps adds fewer weight rows than one on the spikes themselves.
     *
     * @return the change rate, NaN if nothing was recorded
     */
    public double stepChangeRate() {
        return stepEntries == 0 ? Double.NaN : (double) stepChanges / stepEntries;
    }

    /**
     * Returns the spike entries at steps 1..T−1 compared with the step before.
     *
     * @return the count
     */
    public long stepEntries() {
        return stepEntries;
    }

    /**
     * Returns how many of {@link #stepEntries()} changed sign from the step before.
     *
     * @return the count
     */
    public long stepChanges() {
        return stepChanges;
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "%s{firingRate=%.4f, macs=%d, sops=%d, realMacs=%d}",
                name,
                firingRate(),
                macs,
                synapticOps,
                realValuedMacs);
    }
}
