/**
 * SpikeLM-GPT-2: a decoder-only spiking language model in the layout of Hugging Face's {@code
 * GPT2LMHeadModel}, built from the same spiking pieces as SpikeLM-BERT (SPIKELM.md §3).
 *
 * <p>The blocks read top to bottom as the math: real embeddings ({@code transformer.wte} + {@code
 * transformer.wpe}) repeated over T, pre-LayerNorm layers {@link ai.spikelm.zoo.gpt2.Gpt2Block}
 * ({@code h.N}) whose four linear inputs ({@code attn.c_attn}, {@code attn.c_proj}, {@code
 * mlp.c_fc}, {@code mlp.c_proj}) are spiked and whose keys and values are spiked again in one step,
 * a real causal mask and softmax, the mean over T, {@code ln_f} and the LM head tied to {@code wte}.
 * Weights keep GPT-2's {@code Conv1D} layout {@code [in, out]} ({@link
 * ai.spikelm.ops.nn.SpikingLinear.WeightLayout#IN_OUT}), so Hugging Face checkpoints load and save without
 * transposition. With {@code spikelm.spiking = false} the same code is an exact GPT-2.
 *
 * <p>Incremental decoding keeps only a key/value cache per layer and time step ({@link
 * ai.spikelm.zoo.gpt2.Gpt2Cache}): neurons integrate over T at one position, never across
 * positions, so cached decoding equals a full recompute. {@link
 * ai.spikelm.zoo.gpt2.Gpt2TokenizerJson} turns the original GPT-2 vocabulary files into a {@code
 * tokenizer.json}; text generation is in {@link ai.spikelm.zoo.generate}.
 */
package ai.spikelm.zoo.gpt2;
