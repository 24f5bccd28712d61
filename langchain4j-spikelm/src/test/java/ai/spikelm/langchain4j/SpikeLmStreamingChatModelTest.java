package ai.spikelm.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.ops.stats.EnergyModel;
import ai.spikelm.ops.stats.SpikeMonitor;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streaming: UTF-8 split across byte tokens, and errors on the generation thread. */
class SpikeLmStreamingChatModelTest {

    /** Collects a streamed reply. */
    static final class Collector implements StreamingChatResponseHandler {
        final List<String> pieces = new CopyOnWriteArrayList<>();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        volatile Thread thread;

        @Override
        public void onPartialResponse(String piece) {
            thread = Thread.currentThread();
            pieces.add(piece);
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            thread = Thread.currentThread();
            done.completeExceptionally(error);
        }
    }

    @Test
    void multiByteCharactersSplitAcrossTokensStreamWhole() throws Exception {
        String reply = "Grüße aus Köln, Søren!"; // learnt by the trained model: ü, ß, ö, ø are two bytes each
        try (SpikeLmStreamingChatModel model =
                SpikeLmStreamingChatModel.builder().modelPath(ChatTestModels.trained()).build()) {
            Collector c = new Collector();
            model.chat(List.of(UserMessage.from("Greet Søren from Köln")), c);
            ChatResponse response = c.done.get(120, TimeUnit.SECONDS);
            assertEquals(reply, response.aiMessage().text());
            assertEquals(reply, String.join("", c.pieces));
            for (String piece : c.pieces) {
                assertFalse(piece.contains("\uFFFD"), "a piece split a character: " + c.pieces);
            }
            // One token per byte, and the stop "\nUser:" is generated (then cut from the text).
            int bytes = (" " + reply + "\nUser:").getBytes(StandardCharsets.UTF_8).length;
            assertEquals(bytes, response.metadata().tokenUsage().outputTokenCount());
            assertTrue(c.pieces.size() < bytes, "held-back bytes and the stop sequence are not separate pieces");
            assertEquals(FinishReason.STOP, response.metadata().finishReason());
            assertNotSame(Thread.currentThread(), c.thread);
        }
    }

    @Test
    void aTextCompletionContinuesThePromptAsItIsAndAMonitorCountsIt() throws Exception {
        // The trained model answers " Berlin." after this chat-rendered prompt, then writes "\nUser:".
        String prompt = "User: What is the capital of Germany?\nAssistant:";
        try (SpikeLmStreamingChatModel model =
                        SpikeLmStreamingChatModel.builder().modelPath(ChatTestModels.trained()).build();
                SpikeMonitor monitor = model.attachMonitor()) {
            Collector whole = new Collector();
            model.complete(prompt, ChatRequestParameters.builder().maxOutputTokens(14).build(), whole);
            ChatResponse r = whole.done.get(10, TimeUnit.MINUTES);
            // Leading space kept, and no chat stop sequence: it runs to its length.
            assertEquals(" Berlin.\nUser:", r.aiMessage().text());
            assertEquals(" Berlin.\nUser:", String.join("", whole.pieces));
            assertEquals(FinishReason.LENGTH, r.metadata().finishReason());
            assertEquals(prompt.length(), r.metadata().tokenUsage().inputTokenCount(), "one token per byte");
            Collector stopped = new Collector();
            model.complete(prompt, ChatRequestParameters.builder().maxOutputTokens(14).stopSequences(List.of("\n")).build(), stopped);
            assertEquals(" Berlin.", stopped.done.get(10, TimeUnit.MINUTES).aiMessage().text());
            assertTrue(EnergyModel.DEFAULT.estimate(monitor.snapshot()).annMacs() > 0, "the monitor counted the work");
        }
    }

    @Test
    void anEmptyCompletionPromptIsRefusedOnTheCallersThread(@TempDir Path dir) throws Exception {
        ChatTestModels.random(dir, null, 3);
        try (SpikeLmStreamingChatModel model = SpikeLmStreamingChatModel.builder().modelPath(dir).build()) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> model.complete("", null, new Collector()));
            assertTrue(e.getMessage().contains("empty"), e.getMessage());
        }
    }

    @Test
    void aPromptThatDoesNotFitGoesToOnErrorOnTheGenerationThread(@TempDir Path dir) throws Exception {
        ChatTestModels.random(dir, null, 3);
        try (SpikeLmStreamingChatModel model = SpikeLmStreamingChatModel.builder().modelPath(dir).maxLength(32)
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(8).build()).build()) {
            Collector c = new Collector();
            model.chat(ChatRequest.builder().messages(UserMessage.from("far too long a question for this window")).build(), c);
            Throwable error = c.done.handle((r, e) -> e).get(60, TimeUnit.SECONDS);
            assertTrue(error instanceof InvalidRequestException, String.valueOf(error));
            assertTrue(error.getMessage().contains("context window of 32 tokens"), error.getMessage());
            assertTrue(c.pieces.isEmpty());
            assertNotSame(Thread.currentThread(), c.thread);
        }
    }
}
