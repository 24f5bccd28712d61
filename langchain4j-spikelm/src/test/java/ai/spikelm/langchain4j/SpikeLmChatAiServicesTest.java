package ai.spikelm.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.family.ModelFamilies;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** LangChain4j AI services backed by the spiking (T = 4) chat models. */
class SpikeLmChatAiServicesTest {

    interface StreamingAssistant {
        TokenStream chat(String question);
    }

    interface Assistant {
        String chat(String question);
    }

    @Test
    void aStreamingAiServiceStreamsTheAnswer() throws Exception {
        Path trained = ChatTestModels.trained();
        assertEquals(4, ModelFamilies.forModel(trained).savedSpiking(trained.resolve("config.json")).timeSteps());
        try (SpikeLmStreamingChatModel model =
                SpikeLmStreamingChatModel.builder().modelPath(ChatTestModels.trained()).build()) {
            StreamingAssistant assistant = AiServices.create(StreamingAssistant.class, model);
            List<String> pieces = new CopyOnWriteArrayList<>();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            assistant.chat("What is the capital of France?")
                    .onPartialResponse(pieces::add)
                    .onCompleteResponse(done::complete)
                    .onError(done::completeExceptionally)
                    .start();
            ChatResponse response = done.get(120, TimeUnit.SECONDS);
            assertEquals("Paris, the city of light.", response.aiMessage().text());
            assertEquals(response.aiMessage().text(), String.join("", pieces));
            assertTrue(pieces.size() > 5, "streamed in pieces: " + pieces);
        }
    }

    @Test
    void anAiServiceReturnsTheAnswer() {
        try (SpikeLmChatModel model = SpikeLmChatModel.builder().modelPath(ChatTestModels.trained()).build()) {
            Assistant assistant = AiServices.create(Assistant.class, model);
            assertEquals("Paris, the city of light.", assistant.chat("What is the capital of France?"));
        }
    }
}
