/**
 * What every SpikeLM model family shares: the SpikeLM settings of a {@code config.json} ({@link
 * ai.spikelm.zoo.core.SpikingConfig}), strict JSON field reading ({@link
 * ai.spikelm.zoo.core.ConfigFields}), small blocks with Hugging Face parameter names ({@link
 * ai.spikelm.zoo.core.EmbeddingTable}, {@link ai.spikelm.zoo.core.HfLayerNorm}) and the mapping
 * between a block tree and Hugging Face tensor names ({@link ai.spikelm.zoo.core.HfWeights}), and
 * the calibration of spike amplitudes on text over real tokens ({@link
 * ai.spikelm.zoo.core.Calibration} on a {@link ai.spikelm.zoo.core.CalibrationSet}, by default the
 * embedded sample text).
 */
package ai.spikelm.zoo.core;
