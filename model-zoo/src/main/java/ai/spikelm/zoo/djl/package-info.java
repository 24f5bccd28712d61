/**
 * Deep Java Library integration: load SpikeLM models with {@link ai.djl.repository.zoo.Criteria}.
 *
 * <ul>
 *   <li>{@link ai.spikelm.zoo.djl.SpikeLmBlockFactory} builds the model of the family {@code
 *       config.json}'s {@code model_type} names, through the family registry ({@link
 *       ai.spikelm.zoo.family.ModelFamilies}), and loads its weights (safetensors; {@code
 *       pytorch_model.bin} only with {@code allowPickle}); a model with uncalibrated spike sites
 *       (converted with {@code timeSteps}) is calibrated before its first request, on the embedded
 *       sample text or {@code calibrationText}.
 *   <li>{@link ai.spikelm.zoo.djl.SpikeLmTranslatorFactory} offers text embedding ({@code String →
 *       float[]}, through the encoder pipeline's steps, {@link ai.spikelm.zoo.text}), text
 *       classification and regression and fill-mask ({@code String → Classifications}),
 *       cross-encoder scoring ({@code StringPair → float[]}) and text generation with a causal
 *       language model or an encoder-decoder ({@code String → String}).
 *   <li>{@link ai.spikelm.zoo.djl.HfRepositoryFactory} adds the {@code hf://} URL scheme: {@code
 *       hf://org/name[@revision]} downloads through the Hugging Face cache, {@code hf:///abs/path}
 *       reads a local Hugging Face folder.
 *   <li>{@link ai.spikelm.zoo.djl.SpikeLmZooProvider} registers the {@code ai.spikelm} model zoo.
 * </ul>
 *
 * <p>Model directories written by a family's {@code save} ({@link
 * ai.spikelm.zoo.core.TrainableModel#save}) carry a {@code serving.properties}, so {@code
 * Criteria.builder().optModelPath(dir)} needs nothing else.
 */
package ai.spikelm.zoo.djl;
