/**
 * Evaluation without training: correlation coefficients ({@link ai.spikelm.zoo.eval.Correlations})
 * and zero-shot semantic textual similarity ({@link ai.spikelm.zoo.eval.StsEvaluator}: cosine of the
 * embeddings of the encoder pipeline, {@link ai.spikelm.zoo.text.EncoderPipeline}, against gold
 * scores, with a reader for the GLUE STS-B files).
 */
package ai.spikelm.zoo.eval;
