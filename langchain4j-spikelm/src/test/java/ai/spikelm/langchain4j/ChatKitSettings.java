package ai.spikelm.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequestParameters;

/** What LangChain4j's chat kits are told about the SpikeLM chat models, shared by the kit tests. */
final class ChatKitSettings {

    /** Replies of the trained model are short; a cap keeps an unexpected ramble cheap. */
    static final ChatRequestParameters DEFAULTS = ChatRequestParameters.builder().maxOutputTokens(60).build();

    private ChatKitSettings() {}

    static SpikeLmChatModel.Builder chat() {
        return SpikeLmChatModel.builder().modelPath(ChatTestModels.trained()).threads(2).defaultRequestParameters(DEFAULTS);
    }

    static SpikeLmStreamingChatModel.Builder streaming() {
        return SpikeLmStreamingChatModel.builder().modelPath(ChatTestModels.trained()).threads(2)
                .defaultRequestParameters(DEFAULTS);
    }

    /** A model whose window (48 tokens) cannot hold the kits' failing prompt plus the reply. */
    static int failingMaxLength() {
        return 48;
    }
}
