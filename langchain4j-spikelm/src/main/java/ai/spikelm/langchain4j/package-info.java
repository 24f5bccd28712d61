/**
 * LangChain4j models backed by SpikeLM: {@link ai.spikelm.langchain4j.SpikeLmEmbeddingModel} (an
 * {@code EmbeddingModel} over the encoder pipeline, for any family with an encoder, converted on
 * load if asked), {@link
 * ai.spikelm.langchain4j.SpikeLmScoringModel} (a cross-encoder {@code ScoringModel}), and {@link
 * ai.spikelm.langchain4j.SpikeLmChatModel} and {@link ai.spikelm.langchain4j.SpikeLmStreamingChatModel}
 * (a {@code ChatModel} and a {@code StreamingChatModel} over a causal language model or an
 * encoder-decoder of the family registry, the messages
 * written as a prompt by a {@link ai.spikelm.langchain4j.ChatTemplate}).
 */
package ai.spikelm.langchain4j;
