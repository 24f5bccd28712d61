package ai.spikelm.ops.stats;

import java.util.Locale;

/**
 * The energy of a workload as an ANN and as a spiking model.
 *
 * @param annMacs multiply-accumulates of the equivalent ANN
 * @param synapticOps accumulates triggered by spikes in the spiking model
 * @param realValuedMacs multiply-accumulates the spiking model still does on real-valued inputs
 * @param annJoules energy of the ANN
 * @param spikingJoules energy of the spiking model
 */
public record EnergyEstimate(
        long annMacs, long synapticOps, long realValuedMacs, double annJoules, double spikingJoules) {

    /**
     * Returns how many times less energy the spiking model uses.
     *
     * @return annJoules / spikingJoules
     */
    public double savingFactor() {
        return annJoules / spikingJoules;
    }

    /**
     * Divides every figure by the number of sequences the counts cover.
     *
     * @param sequences how many inputs were run
     * @return the per-sequence estimate
     */
    public EnergyEstimate perSequence(long sequences) {
        if (sequences <= 0) {
            throw new IllegalArgumentException("sequences must be positive, got " + sequences);
        }
        return new EnergyEstimate(
                annMacs / sequences,
                synapticOps / sequences,
                realValuedMacs / sequences,
                annJoules / sequences,
                spikingJoules / sequences);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "ANN %.3f mJ (%.3f G MACs), SNN %.3f mJ (%.3f G SOPs + %.3f G real MACs), %.2fx less",
                annJoules * 1e3,
                annMacs / 1e9,
                spikingJoules * 1e3,
                synapticOps / 1e9,
                realValuedMacs / 1e9,
                savingFactor());
    }
}
