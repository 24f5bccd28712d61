/**
 * Text generation with any {@link ai.spikelm.zoo.generate.TextGenerationModel} (a {@link
 * ai.spikelm.zoo.generate.CausalLanguageModel} continues a prompt, an encoder-decoder replies to
 * it): greedy decoding or
 * seeded sampling (temperature, top-k, top-p), repetition penalty, stop sequences on the decoded
 * text, streaming per token and a clear policy for prompts that do not fit the context window
 * ({@link ai.spikelm.zoo.generate.Generator}).
 */
package ai.spikelm.zoo.generate;
