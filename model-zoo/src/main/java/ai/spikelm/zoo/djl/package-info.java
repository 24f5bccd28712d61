/**
 * Deep Java Library integration: load SpikeLM models with {@link ai.djl.repository.zoo.Criteria}.
 *
 * <ul>
 *   <li>{@link ai.spikelm.zoo.djl.SpikeLmBlockFactory} builds the model from {@code config.json}
 *       and loads its weights (safetensors; {@code pytorch_model.bin} only with {@code
 *       allowPickle}); a model with uncalibrated spike sites (converted with {@code timeSteps}) is
 *       calibrated before its first request, on the embedded sample text or {@code
 *       calibrationText}.
 *   <li>{@link ai.spikelm.zoo.djl.SpikeLmTranslatorFactory} offers text embedding ({@code String →
 *       float[]}), text classification and regression and fill-mask ({@code String →
 *       Classifications}) and cross-encoder scoring ({@code StringPair → float[]}).
 *   <li>{@link ai.spikelm.zoo.djl.HfRepositoryFactory} adds the {@code hf://} URL scheme: {@code
 *       hf://org/name[@revision]} downloads through the Hugging Face cache, {@code hf:///abs/path}
 *       reads a local Hugging Face folder.
 *   <li>{@link ai.spikelm.zoo.djl.SpikeLmZooProvider} registers the {@code ai.spikelm} model zoo.
 * </ul>
 *
 * <p>Model directories written by {@link ai.spikelm.zoo.bert.SpikeBertLoader#save} carry a {@code
 * serving.properties}, so {@code Criteria.builder().optModelPath(dir)} needs nothing else.
 */
package ai.spikelm.zoo.djl;
