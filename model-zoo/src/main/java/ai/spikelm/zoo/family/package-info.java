/**
 * The registry of model families and the family-agnostic loaders, as Hugging Face's {@code Auto}
 * classes: {@code config.json}'s {@code model_type} picks a {@link ai.spikelm.zoo.family.ModelFamily}
 * ({@code bert}, {@code gpt2}, {@code bart}, or any family registered with {@link
 * ai.spikelm.zoo.family.ModelFamilies#register} or {@code META-INF/services}), and {@link
 * ai.spikelm.zoo.family.ModelFamilies} loads it as the kind a caller needs ({@link
 * ai.spikelm.zoo.family.ModelKind}: an {@link ai.spikelm.zoo.family.EncoderModel}, a {@link
 * ai.spikelm.zoo.family.CausalLmModel} or a {@link ai.spikelm.zoo.family.Seq2SeqModel}), calibrated
 * before it serves. DJL's block factory, the translators, the LangChain4j adapters and the command
 * line load models only through it.
 */
package ai.spikelm.zoo.family;
