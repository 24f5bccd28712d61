package ai.spikelm.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parameters, checks and concurrency of the chat model, on a small random SpikeLM (T = 2) GPT-2. */
class SpikeLmChatModelTest {

    @TempDir static Path dir;
    static SpikeLmChatModel model;

    @BeforeAll
    static void load() throws Exception {
        ChatTestModels.random(dir.resolve("gpt2"), 2, 5);
        model = SpikeLmChatModel.builder().modelPath(dir.resolve("gpt2")).threads(4).build();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static ChatResponse chat(String text, ChatRequestParameters parameters) {
        return model.chat(ChatRequest.builder().messages(UserMessage.from(text)).parameters(parameters).build());
    }

    private static dev.langchain4j.model.chat.request.DefaultChatRequestParameters.Builder<?> params() {
        return ChatRequestParameters.builder();
    }

    @Test
    void maxOutputTokensEndsWithLengthAndExactUsage() {
        String prompt = "Once upon a time";
        ChatResponse r = chat(prompt, params().maxOutputTokens(7).build());
        assertEquals(FinishReason.LENGTH, r.metadata().finishReason());
        assertEquals(7, r.metadata().tokenUsage().outputTokenCount());
        // Byte-level vocabulary: one token per byte of the rendered prompt.
        int promptBytes = ChatTemplate.plain().render(List.of(UserMessage.from(prompt))).getBytes(StandardCharsets.UTF_8).length;
        assertEquals(promptBytes, r.metadata().tokenUsage().inputTokenCount());
        assertEquals(promptBytes + 7, r.metadata().tokenUsage().totalTokenCount());
        assertEquals(model.modelName(), r.metadata().modelName());
    }

    @Test
    void greedyIsDeterministicAndStopSequencesCutTheText() {
        ChatRequestParameters p = params().maxOutputTokens(24).build();
        String greedy = chat("Tell me about spikes", p).aiMessage().text();
        assertEquals(greedy, chat("Tell me about spikes", p).aiMessage().text());
        assertTrue(greedy.length() > 6, greedy);
        String stop = greedy.substring(3, 5);
        ChatResponse cut = chat("Tell me about spikes", params().maxOutputTokens(24).stopSequences(List.of(stop)).build());
        assertEquals(greedy.substring(0, greedy.indexOf(stop)), cut.aiMessage().text());
        assertEquals(FinishReason.STOP, cut.metadata().finishReason());
    }

    @Test
    void theSameSeedGivesTheSameSample() {
        ChatRequestParameters p = params().temperature(1.5).topP(0.95).topK(50).maxOutputTokens(16).build();
        Set<String> texts = new HashSet<>();
        for (long seed = 1; seed <= 3; seed++) {
            try (SpikeLmChatModel seeded = SpikeLmChatModel.builder().modelPath(dir.resolve("gpt2")).seed(seed).build()) {
                String a = seeded.chat(ChatRequest.builder().messages(UserMessage.from("hi")).parameters(p).build()).aiMessage().text();
                String b = seeded.chat(ChatRequest.builder().messages(UserMessage.from("hi")).parameters(p).build()).aiMessage().text();
                assertEquals(a, b, "seed " + seed);
                texts.add(a);
            }
        }
        assertTrue(texts.size() > 1, "different seeds sample differently: " + texts);
    }

    @Test
    void unsupportedFeaturesAreRejected() {
        ToolSpecification tool = ToolSpecification.builder().name("getWeather").build();
        UnsupportedFeatureException tools =
                assertThrows(UnsupportedFeatureException.class, () -> chat("x", params().toolSpecifications(tool).build()));
        assertTrue(tools.getMessage().contains("not supported"), tools.getMessage());
        assertThrows(UnsupportedFeatureException.class, () -> chat("x", params().responseFormat(ResponseFormat.JSON).build()));
        assertThrows(UnsupportedFeatureException.class, () -> chat("x", params().modelName("gpt-4o").build()));
        assertThrows(UnsupportedFeatureException.class, () -> chat("x", params().frequencyPenalty(0.5).build()));
        assertThrows(UnsupportedFeatureException.class, () -> SpikeLmChatModel.builder().modelPath(dir.resolve("gpt2"))
                .defaultRequestParameters(params().toolSpecifications(tool).build()).build());
    }

    @Test
    void invalidParametersAreClearErrors() {
        assertMessage(InvalidRequestException.class, "topP must be in (0, 1]", params().topP(1.5).build());
        assertMessage(InvalidRequestException.class, "topP must be in (0, 1]", params().topP(0.0).build());
        assertMessage(InvalidRequestException.class, "temperature must be finite and >= 0", params().temperature(-0.1).build());
        assertMessage(InvalidRequestException.class, "maxOutputTokens must be at least 1", params().maxOutputTokens(0).build());
        assertMessage(InvalidRequestException.class, "leaves no room for a prompt", params().maxOutputTokens(128).build());
        assertMessage(InvalidRequestException.class, "topK must be at least 1", params().topK(0).build());
        assertMessage(InvalidRequestException.class, "exceeds the context window of 128 tokens",
                params().maxOutputTokens(100).build());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> model.chat(new ArrayList<ChatMessage>()));
        assertTrue(empty.getMessage().contains("messages"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpikeLmChatModel.builder().build());
        assertThrows(InvalidRequestException.class, () -> SpikeLmChatModel.builder().modelPath(dir.resolve("gpt2"))
                .defaultRequestParameters(params().topP(2.0).build()).build());
    }

    private static void assertMessage(Class<? extends Exception> type, String expected, ChatRequestParameters p) {
        Exception e = assertThrows(type, () -> chat("A question that takes a few tokens to write down, and then some", p));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void concurrentCallersGetTheSingleThreadedReplies() throws Exception {
        List<String> prompts = List.of("alpha", "bravo charlie", "delta echo foxtrot", "golf");
        ChatRequestParameters p = params().maxOutputTokens(12).build();
        List<String> expected = new ArrayList<>();
        for (String prompt : prompts) {
            expected.add(chat(prompt, p).aiMessage().text());
        }
        assertNotEquals(expected.get(0), expected.get(1), "distinct prompts, distinct replies");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String prompt = prompts.get(i % prompts.size());
                futures.add(pool.submit(() -> chat(prompt, p).aiMessage().text()));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertEquals(expected.get(i % prompts.size()), futures.get(i).get(), "call " + i);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void theTemplateRendersTurnsAndRejectsImages() {
        String prompt = ChatTemplate.plain().render(List.of(
                dev.langchain4j.data.message.SystemMessage.from("Be brief."),
                UserMessage.from("Hi"),
                dev.langchain4j.data.message.AiMessage.from("Hello."),
                UserMessage.from("Bye")));
        assertEquals("System: Be brief.\nUser: Hi\nAssistant: Hello.\nUser: Bye\nAssistant:", prompt);
        assertEquals(List.of("\nQ:"), ChatTemplate.plain("Context", "Q", "A").stopSequences());
        assertThrows(UnsupportedFeatureException.class, () -> ChatTemplate.plain().render(List.of(
                UserMessage.from(dev.langchain4j.data.message.ImageContent.from("https://example.com/cat.jpg")))));
        assertFalse(ChatTemplate.plain().render(List.of(UserMessage.from("x"))).endsWith(" "));
    }
}
