/**
 * SpikeLM-BART: an encoder-decoder spiking language model in the layout of Hugging Face's {@code
 * BartForConditionalGeneration}, built from the same spiking pieces as SpikeLM-BERT and
 * SpikeLM-GPT-2 (SPIKELM.md §3).
 *
 * <p>Real token embeddings ({@code model.shared}, scaled by √d_model with {@code scale_embedding})
 * plus learned positions (offset 2) and {@code layernorm_embedding} are repeated over T. The
 * post-LayerNorm encoder layers ({@link ai.spikelm.zoo.bart.BartEncoderLayer}) and decoder layers
 * ({@link ai.spikelm.zoo.bart.BartDecoderLayer}) spike the input of every linear ({@code q_proj},
 * {@code k_proj}, {@code v_proj}, {@code out_proj} of self- and cross-attention, {@code fc1}, {@code
 * fc2}) with an elastic bi-spiking neuron over T and spike keys and values again in one step; masks,
 * softmax, GELU and LayerNorm stay real. The encoder output is averaged over T (as SpikeLM-BERT's
 * is), and each decoder layer's cross-attention spikes it again, repeated over T, through its own
 * {@code encoder_attn.k_proj}/{@code v_proj} neurons; the decoder output is averaged over T before
 * the LM head tied to {@code model.shared} plus {@code final_logits_bias}. With {@code
 * spikelm.spiking = false} the same code is an exact BART.
 *
 * <p>Incremental decoding: {@link ai.spikelm.zoo.bart.SpikeBartModel#encode} a source once (with
 * every decoder layer's cross-attention keys and values, {@link
 * ai.spikelm.zoo.bart.BartEncoderOutput}), then decode with a {@link ai.spikelm.zoo.bart.BartCache}
 * of self-attention keys and values per time step; neurons integrate over T at one position, never
 * across positions, so cached decoding equals a full recompute. {@link
 * ai.spikelm.zoo.bart.SpikeBartForConditionalGeneration#conditionedOn} turns the model and a source
 * into a {@link ai.spikelm.zoo.generate.CausalLanguageModel} for {@link
 * ai.spikelm.zoo.generate.Generator}. {@link ai.spikelm.zoo.bart.SpikeBartLoader} reads and writes
 * the Hugging Face layout.
 */
package ai.spikelm.zoo.bart;
