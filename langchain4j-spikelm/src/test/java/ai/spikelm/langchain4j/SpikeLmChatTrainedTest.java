package ai.spikelm.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trained SpikeLM (T = 4) chat model answers what it learnt, greedily. */
class SpikeLmChatTrainedTest {

    @Test
    void answersEveryLesson() {
        try (SpikeLmChatModel model = SpikeLmChatModel.builder().modelPath(ChatTestModels.trained()).build()) {
            for (Map.Entry<List<ChatMessage>, String> lesson : ChatTestModels.LESSONS) {
                ChatResponse response = model.chat(ChatRequest.builder().messages(lesson.getKey()).build());
                assertEquals(lesson.getValue(), response.aiMessage().text());
                assertEquals(FinishReason.STOP, response.metadata().finishReason());
            }
        }
    }
}
