package ai.spikelm.zoo.family;

import ai.spikelm.zoo.generate.CausalLanguageModel;

/**
 * A causal language model ({@link ModelKind#CAUSAL_LM}): its forward pass on {@link #inputs}
 * returns the next-token logits {@code [B, L, vocab]} of every position first (what training and
 * perplexity read), and it decodes incrementally with a key/value cache for {@link
 * ai.spikelm.zoo.generate.Generator}.
 */
public interface CausalLmModel extends GenerativeModel, CausalLanguageModel {}
