package ai.spikelm.langchain4j;

import ai.spikelm.langchain4j.spi.SpikeLmChatModelBuilderFactory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.spi.ServiceHelper;
import java.util.List;

/**
 * A LangChain4j {@link ChatModel} running a SpikeLM text generator through DJL: a causal language
 * model (the GPT-2 family) continues the conversation written as a prompt; an encoder-decoder (the
 * BART family) reads it as its source.
 *
 * <pre>{@code
 * ChatModel model = SpikeLmChatModel.builder()
 *         .modelPath(Path.of("my-gpt2"))              // or modelId("org/name")
 *         .timeSteps(4)                               // run as SpikeLM, T = 4
 *         .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(64).build())
 *         .build();
 * String answer = model.chat("What is the capital of Germany?");
 * }</pre>
 *
 * <p>The messages become one prompt through a {@link ChatTemplate} (default {@link
 * ChatTemplate#plain()}); the reply ends at the model's end-of-text token, a stop sequence (the
 * template's and the request's; finish reason STOP) or after {@code maxOutputTokens} tokens
 * (LENGTH). Temperature 0 or absent is greedy; a positive temperature samples with topK and topP.
 * Token usage counts the prompt tokens the model saw and the generated tokens. Tools, JSON response
 * formats, images, other model names and frequency/presence penalties are rejected with {@code
 * UnsupportedFeatureException}, values out of range and prompts that do not fit with {@code
 * InvalidRequestException}. Listeners see every request, response and error (LangChain4j's {@link
 * ChatModel#chat(ChatRequest)} calls them around {@link #doChat}).
 *
 * <p>One instance serves concurrent callers; close it to release native memory.
 */
public final class SpikeLmChatModel implements ChatModel, AutoCloseable {

    private final ChatEngine engine;

    private SpikeLmChatModel(Builder builder) {
        this.engine = new ChatEngine(builder);
    }

    /** {@inheritDoc} */
    @Override
    public ChatResponse doChat(ChatRequest chatRequest) {
        return engine.generate(engine.plan(chatRequest), null);
    }

    /** {@inheritDoc} */
    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return engine.defaultRequestParameters();
    }

    /** {@inheritDoc} */
    @Override
    public List<ChatModelListener> listeners() {
        return engine.listeners();
    }

    /**
     * Returns the model's name: the Hub id, or the folder's name.
     *
     * @return the name
     */
    public String modelName() {
        return engine.modelName();
    }

    /** Releases the model. */
    @Override
    public void close() {
        engine.close();
    }

    /**
     * Returns a builder: the one a {@link SpikeLmChatModelBuilderFactory} service supplies, if any,
     * else a new one.
     *
     * @return a builder
     */
    public static Builder builder() {
        for (SpikeLmChatModelBuilderFactory factory : ServiceHelper.loadFactories(SpikeLmChatModelBuilderFactory.class)) {
            return factory.get();
        }
        return new Builder();
    }

    /** Builds a {@link SpikeLmChatModel}; the settings are those of {@link AbstractSpikeLmChatModelBuilder}. */
    public static final class Builder extends AbstractSpikeLmChatModelBuilder<Builder> {

        /** Creates a builder with the defaults (for builder factories). */
        public Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the model (loads it and calibrates spike amplitudes if needed, now).
         *
         * @return the model
         * @throws IllegalArgumentException if the settings are inconsistent
         * @throws dev.langchain4j.exception.UnsupportedFeatureException if the default request
         *     parameters ask for something the model cannot do
         * @throws java.io.UncheckedIOException if the model cannot be read
         */
        public SpikeLmChatModel build() {
            return new SpikeLmChatModel(this);
        }
    }
}
