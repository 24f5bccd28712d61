package ai.spikelm.langchain4j;

import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.util.List;

/** LangChain4j's listener kit on the SpikeLM streaming chat model (errors through onError): request, response and error events. */
@org.junit.jupiter.api.extension.ExtendWith(KitModels.class)
class SpikeLmStreamingChatModelListenerKitTest extends AbstractStreamingChatModelListenerIT {

    @Override
    protected StreamingChatModel createModel(ChatModelListener listener) {
        return KitModels.closedAfterTest(ChatKitSettings.streaming()
                .defaultRequestParameters(ChatRequestParameters.builder()
                        .temperature(temperature()).topP(topP()).maxOutputTokens(maxTokens()).build())
                .seed(1L)
                .listeners(List.of(listener))
                .build());
    }

    @Override
    protected String modelName() {
        return ChatTestModels.trained().getFileName().toString();
    }

    @Override
    protected StreamingChatModel createFailingModel(ChatModelListener listener) {
        return KitModels.closedAfterTest(ChatKitSettings.streaming()
                .maxLength(ChatKitSettings.failingMaxLength())
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(20).build())
                .listeners(List.of(listener))
                .build());
    }

    @Override
    protected Class<? extends Exception> expectedExceptionClass() {
        return InvalidRequestException.class; // the prompt does not fit the window
    }

    @Override
    protected boolean supportsTools() {
        return false;
    }
}
