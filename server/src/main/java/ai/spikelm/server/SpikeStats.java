package ai.spikelm.server;

import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.ops.stats.SiteStatistics;
import java.util.List;

/**
 * What a model call cost: the fraction of spike sites that fired (NaN for an ANN) and the
 * estimated energy ({@link EnergyModel#DEFAULT}: what the spiking model does, which for an ANN is
 * its multiply-accumulates).
 *
 * @param firingRate fired / sites over every spike site and time step, NaN without spikes
 * @param joules the estimated energy
 */
record SpikeStats(double firingRate, double joules) {

    /** No call recorded. */
    static final SpikeStats NONE = new SpikeStats(Double.NaN, 0);

    /** Sums what a monitor recorded. */
    static SpikeStats of(List<SiteStatistics> sites) {
        long fired = 0;
        long total = 0;
        for (SiteStatistics s : sites) {
            for (int t = 0; t < s.timeSteps(); t++) {
                fired += s.nonZeroPerStep()[t];
                total += s.elementsPerStep()[t];
            }
        }
        double rate = total == 0 ? Double.NaN : (double) fired / total;
        return new SpikeStats(rate, EnergyModel.DEFAULT.estimate(sites).spikingJoules());
    }

    /** The part of a batch's cost that falls to a request: the same firing rate, a share of the energy. */
    SpikeStats share(double fraction) {
        return new SpikeStats(firingRate, joules * fraction);
    }
}
