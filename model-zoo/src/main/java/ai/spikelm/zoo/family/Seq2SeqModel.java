package ai.spikelm.zoo.family;

import ai.spikelm.zoo.generate.TextGenerationModel;

/**
 * An encoder-decoder language model ({@link ModelKind#SEQ2SEQ}): it reads a text prompt as its
 * source and generates a reply from its decoder start token ({@link
 * TextGenerationModel#startDecoding}), through {@link ai.spikelm.zoo.generate.Generator}. Its forward
 * pass on {@link #inputs} returns the decoder's logits {@code [B, L, vocab]} first.
 */
public interface Seq2SeqModel extends GenerativeModel {}
