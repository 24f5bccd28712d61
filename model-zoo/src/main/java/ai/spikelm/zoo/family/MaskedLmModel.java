package ai.spikelm.zoo.family;

import ai.spikelm.zoo.core.TrainableModel;

/**
 * An encoder with a masked-language-model head (Hugging Face's {@code ForMaskedLM}): its forward pass
 * on {@link #inputs} returns the logits {@code [B, L, vocab]} first, for filling in masked tokens.
 */
public interface MaskedLmModel extends TrainableModel {}
