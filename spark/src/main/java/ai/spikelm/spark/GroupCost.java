package ai.spikelm.spark;

import ai.spikelm.ops.stats.EnergyEstimate;
import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.ops.stats.SiteStatistics;
import java.util.List;

/**
 * What one group of texts cost, from a monitor's counts over the forward passes that embedded it
 * (padded positions included, as the batches ran).
 *
 * @param firingRate non-zero spikes over spike sites, every site and time step together (NaN for
 *     a model without spikes)
 * @param joules estimated energy of the model as it ran (SpikeLM: accumulates plus real-valued MACs)
 * @param annJoules estimated energy of the same work as an ANN (MACs)
 */
public record GroupCost(double firingRate, double joules, double annJoules) {

    /**
     * Sums a monitor's snapshot.
     *
     * @param sites the statistics of every site over the group
     * @param energy the energy constants
     * @return the cost
     */
    public static GroupCost of(List<SiteStatistics> sites, EnergyModel energy) {
        long nonZero = 0;
        long elements = 0;
        for (SiteStatistics s : sites) {
            for (int t = 0; t < s.timeSteps(); t++) {
                nonZero += s.nonZeroPerStep()[t];
                elements += s.elementsPerStep()[t];
            }
        }
        EnergyEstimate estimate = energy.estimate(sites);
        return new GroupCost(
                elements == 0 ? Double.NaN : (double) nonZero / elements, estimate.spikingJoules(), estimate.annJoules());
    }
}
