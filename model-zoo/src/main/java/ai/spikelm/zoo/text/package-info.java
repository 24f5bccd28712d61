/**
 * The one text pipeline for encoders: tokenise each text once ({@link
 * ai.spikelm.zoo.text.EncoderTokenizer}; long texts truncated, cut into windows or refused by a
 * {@link ai.spikelm.zoo.text.LongInputPolicy}), run the rows in batches, pool over real tokens,
 * average a text's windows and normalise once ({@link ai.spikelm.zoo.text.TokenizedTexts}), with
 * the token count of every text ({@link ai.spikelm.zoo.text.TextEmbedding}). {@link
 * ai.spikelm.zoo.text.EncoderPipeline} streams any number of texts in memory bounded by its batch
 * size. The DJL translators, the LangChain4j models and the command line all go through it.
 */
package ai.spikelm.zoo.text;
