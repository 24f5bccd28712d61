/**
 * Evaluation without training: correlation coefficients ({@link ai.spikelm.zoo.eval.Correlations}),
 * batched sentence embeddings from a SpikeLM-BERT encoder ({@link
 * ai.spikelm.zoo.eval.SentenceEmbedder}) and zero-shot semantic textual similarity ({@link
 * ai.spikelm.zoo.eval.StsEvaluator}: cosine of the embeddings against gold scores, with a reader
 * for the GLUE STS-B files).
 */
package ai.spikelm.zoo.eval;
