package ai.spikelm.ops.stats;

import java.util.Collection;

/**
 * Converts operation counts into energy, with the per-operation costs as settings.
 *
 * <p>Defaults are the 45 nm CMOS figures used throughout the SNN literature (Horowitz, ISSCC
 * 2014): 4.6 pJ per 32-bit floating point multiply-accumulate and 0.9 pJ per accumulate. A ±1
 * spike costs one accumulate per fan-out synapse; a 0 costs nothing.
 */
public final class EnergyModel {

    /** The model with the default constants. */
    public static final EnergyModel DEFAULT = builder().build();

    private final double joulesPerMac;
    private final double joulesPerAccumulate;

    private EnergyModel(Builder builder) {
        this.joulesPerMac = builder.picojoulesPerMac * 1e-12;
        this.joulesPerAccumulate = builder.picojoulesPerAccumulate * 1e-12;
    }

    /**
     * Returns the energy of {@code macs} multiply-accumulates.
     *
     * @param macs the MAC count
     * @return joules
     */
    public double macEnergy(double macs) {
        return macs * joulesPerMac;
    }

    /**
     * Returns the energy of {@code accumulates} accumulates (synaptic operations).
     *
     * @param accumulates the SOP count
     * @return joules
     */
    public double accumulateEnergy(double accumulates) {
        return accumulates * joulesPerAccumulate;
    }

    /**
     * Estimates the energy of what a monitor recorded: the equivalent ANN versus the spiking model.
     *
     * @param sites the statistics, from {@link SpikeMonitor#snapshot()}
     * @return the estimate
     */
    public EnergyEstimate estimate(Collection<SiteStatistics> sites) {
        long macs = 0;
        long sops = 0;
        long realMacs = 0;
        for (SiteStatistics site : sites) {
            macs += site.macs();
            sops += site.synapticOps();
            realMacs += site.realValuedMacs();
        }
        return new EnergyEstimate(
                macs, sops, realMacs, macEnergy(macs), accumulateEnergy(sops) + macEnergy(realMacs));
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link EnergyModel}. */
    public static final class Builder {
        private double picojoulesPerMac = 4.6;
        private double picojoulesPerAccumulate = 0.9;

        Builder() {}

        /**
         * Sets the cost of one multiply-accumulate.
         *
         * @param picojoules pJ per MAC (default 4.6)
         * @return this builder
         */
        public Builder optPicojoulesPerMac(double picojoules) {
            this.picojoulesPerMac = requireNonNegative(picojoules, "picojoulesPerMac");
            return this;
        }

        /**
         * Sets the cost of one accumulate.
         *
         * @param picojoules pJ per accumulate (default 0.9)
         * @return this builder
         */
        public Builder optPicojoulesPerAccumulate(double picojoules) {
            this.picojoulesPerAccumulate = requireNonNegative(picojoules, "picojoulesPerAccumulate");
            return this;
        }

        private static double requireNonNegative(double v, String name) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
            }
            return v;
        }

        /**
         * Builds the model.
         *
         * @return the energy model
         */
        public EnergyModel build() {
            return new EnergyModel(this);
        }
    }
}
