package ai.spikelm.langchain4j;

import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.common.AbstractChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.util.List;

/** LangChain4j's listener kit on the SpikeLM chat model: request, response and error events. */
@org.junit.jupiter.api.extension.ExtendWith(KitModels.class)
class SpikeLmChatModelListenerKitTest extends AbstractChatModelListenerIT {

    @Override
    protected ChatModel createModel(ChatModelListener listener) {
        return KitModels.closedAfterTest(ChatKitSettings.chat()
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
    protected ChatModel createFailingModel(ChatModelListener listener) {
        return KitModels.closedAfterTest(ChatKitSettings.chat()
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
