package ai.spikelm.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelIT;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.util.List;

/**
 * LangChain4j's own streaming-chat-model kit on the SpikeLM (T = 4) streaming chat model trained in the test on the
 * kit's questions (a tiny model cannot know that Berlin is the capital of Germany otherwise).
 */
@org.junit.jupiter.api.extension.ExtendWith(KitModels.class)
class SpikeLmStreamingChatModelKitTest extends AbstractStreamingChatModelIT {

    /** A fresh model per test: JUnit closes AutoCloseable arguments of parameterized tests. */
    @Override
    protected List<StreamingChatModel> models() {
        return List.of(ChatKitSettings.streaming().build());
    }

    @Override
    protected StreamingChatModel createModelWith(ChatRequestParameters parameters) {
        return KitModels.closedAfterTest(ChatKitSettings.streaming().defaultRequestParameters(ChatKitSettings.DEFAULTS.overrideWith(parameters)).build());
    }

    @Override
    public StreamingChatModel createModelWith(ChatModelListener listener) {
        return KitModels.closedAfterTest(ChatKitSettings.streaming().listeners(List.of(listener)).build());
    }

    @Override
    protected ChatRequestParameters createIntegrationSpecificParameters(int maxOutputTokens) {
        // SpikeLM has no parameters of its own beyond LangChain4j's common ones.
        return ChatRequestParameters.builder().maxOutputTokens(maxOutputTokens).build();
    }

    @Override
    protected boolean supportsModelNameParameter() {
        return false; // one instance serves one model
    }

    @Override
    protected boolean supportsTools() {
        return false;
    }

    @Override
    protected boolean supportsToolChoiceRequired() {
        return false;
    }

    @Override
    protected boolean supportsJsonResponseFormat() {
        return false;
    }

    @Override
    protected boolean supportsJsonResponseFormatWithSchema() {
        return false;
    }

    @Override
    protected boolean supportsJsonResponseFormatWithRawSchema() {
        return false;
    }

    @Override
    protected boolean supportsSingleImageInputAsBase64EncodedString() {
        return false;
    }

    @Override
    protected boolean supportsSingleImageInputAsPublicURL() {
        return false;
    }
}
