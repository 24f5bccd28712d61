/**
 * Spike statistics and energy accounting.
 *
 * <p>{@link ai.spikelm.ops.stats.SpikeMonitor#attach(ai.djl.nn.Block)} installs a thread-safe
 * recorder in every {@link ai.spikelm.ops.stats.MonitoredBlock} of a model; from then on each
 * forward pass adds its firing counts (per site, per time step) and synaptic operations. Nothing is
 * recorded, and nothing costs anything, while no monitor is attached. {@link
 * ai.spikelm.ops.stats.EnergyModel} turns the counts into an energy estimate with the usual 45 nm
 * constants as settings; {@link ai.spikelm.ops.stats.TransformerCost} gives the MAC counts of a
 * standard transformer layer for analytic estimates.
 *
 * <p>Convention: E_ANN = e_MAC × MACs; E_SNN = e_AC × SOPs + e_MAC × (MACs with real-valued
 * inputs), SOPs = Σ over spike-input layers of the non-zero spikes × fan-out. LayerNorm, softmax
 * and activation functions are not counted.
 */
package ai.spikelm.ops.stats;
