package ai.spikelm.zoo.family;

import ai.spikelm.zoo.core.TrainableModel;

/**
 * A bare encoder ({@link ModelKind#ENCODER}): its forward pass on {@link #inputs} returns the last
 * hidden state {@code [B, L, D]} first (D = {@code shape().hiddenSize()}), from which sentence
 * embeddings are pooled ({@link ai.spikelm.zoo.text.EncoderPipeline}).
 */
public interface EncoderModel extends TrainableModel {}
