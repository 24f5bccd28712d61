package ai.spikelm.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.common.AbstractChatModelIT;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.util.List;

/**
 * LangChain4j's own chat-model kit on the SpikeLM (T = 4) chat model trained in the test on the
 * kit's questions (a tiny model cannot know that Berlin is the capital of Germany otherwise).
 */
@org.junit.jupiter.api.extension.ExtendWith(KitModels.class)
class SpikeLmChatModelKitTest extends AbstractChatModelIT {

    /** A fresh model per test: JUnit closes AutoCloseable arguments of parameterized tests. */
    @Override
    protected List<ChatModel> models() {
        return List.of(ChatKitSettings.chat().build());
    }

    @Override
    protected ChatModel createModelWith(ChatRequestParameters parameters) {
        return KitModels.closedAfterTest(ChatKitSettings.chat().defaultRequestParameters(ChatKitSettings.DEFAULTS.overrideWith(parameters)).build());
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
