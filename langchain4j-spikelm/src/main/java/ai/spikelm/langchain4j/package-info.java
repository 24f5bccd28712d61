/**
 * LangChain4j models backed by SpikeLM: {@link ai.spikelm.langchain4j.SpikeLmScoringModel} (a cross-encoder
 * {@code ScoringModel}) and {@link ai.spikelm.langchain4j.SpikeLmEmbeddingModel} (an
 * {@code EmbeddingModel} over a SpikeLM or plain BERT encoder, converted on load if asked).
 */
package ai.spikelm.langchain4j;
