package ai.spikelm.zoo.family;

import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.generate.TextGenerationModel;

/**
 * A model of any family that generates text from a text prompt: a {@link CausalLmModel} or a {@link
 * Seq2SeqModel}, as {@link ModelFamilies#loadGenerator} returns it.
 */
public interface GenerativeModel extends TrainableModel, TextGenerationModel {}
