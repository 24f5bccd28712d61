/**
 * Measured energy reports: run a model on text with a {@link ai.spikelm.ops.stats.SpikeMonitor},
 * aggregate firing rates per layer, estimate energy, and draw charts.
 */
package ai.spikelm.examples.report;
