/**
 * LangChain4j models backed by SpikeLM: {@link ai.spikelm.langchain4j.SpikeLmEmbeddingModel} (an
 * {@code EmbeddingModel} over a SpikeLM or plain BERT encoder, converted on load if asked), {@link
 * ai.spikelm.langchain4j.SpikeLmScoringModel} (a cross-encoder {@code ScoringModel}), and {@link
 * ai.spikelm.langchain4j.SpikeLmChatModel} and {@link ai.spikelm.langchain4j.SpikeLmStreamingChatModel}
 * (a {@code ChatModel} and a {@code StreamingChatModel} over a SpikeLM GPT-2 decoder, the messages
 * written as a prompt by a {@link ai.spikelm.langchain4j.ChatTemplate}).
 */
package ai.spikelm.langchain4j;
