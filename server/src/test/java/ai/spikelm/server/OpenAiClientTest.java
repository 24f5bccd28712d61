package ai.spikelm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.langchain4j.SpikeLmChatModel;
import ai.spikelm.langchain4j.SpikeLmEmbeddingModel;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiLanguageModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server driven by a client nobody here wrote: LangChain4j's OpenAI module. Embeddings over
 * HTTP equal the in-process LangChain4j model's; a greedy streamed chat equals the non-streamed
 * one and the in-process model's.
 */
class OpenAiClientTest {

    static final String KEY = "test-key-123";

    static final List<String> TEXTS = List.of(
            "A man is playing a guitar.",
            "Someone strums a guitar on the porch.",
            "The stock market fell sharply today.",
            "In the beginning God created the heaven and the earth.",
            "Call me Ishmael.",
            "It was the best of times, it was the worst of times.");

    @TempDir static Path dir;
    static Path gpt2;
    static SpikeLmServer server;

    @BeforeAll
    static void start() throws Exception {
        gpt2 = TestModels.tinyGpt2(dir, 7);
        server = SpikeLmServer.builder()
                .addModel(new ModelSpec("minilm", ModelSpec.EMBEDDED, null))
                .addModel(new ModelSpec("minilm-t4", ModelSpec.EMBEDDED, 4))
                .addModel(new ModelSpec("gpt2-t2", gpt2.toString(), 2))
                .optPort(0)
                .optApiKey(KEY)
                .optBatching(Batching.builder().optMaxBatchSize(16).optMaxWait(Duration.ofMillis(20)).build())
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static OpenAiEmbeddingModel embeddings(String model) {
        return OpenAiEmbeddingModel.builder().baseUrl(server.baseUrl().toString()).apiKey(KEY).modelName(model)
                .maxRetries(0).timeout(Duration.ofMinutes(10)).build();
    }

    @Test
    void embeddingsEqualTheInProcessModelsConcurrently() throws Exception {
        for (String[] served : new String[][] {{"minilm", null}, {"minilm-t4", "4"}}) {
            List<float[]> expected = new ArrayList<>();
            try (SpikeLmEmbeddingModel local = SpikeLmEmbeddingModel.builder().embeddedMiniLm()
                    .timeSteps(served[1] == null ? null : Integer.valueOf(served[1])).build()) {
                for (String text : TEXTS) {
                    expected.add(local.embed(text).content().vector());
                }
            }
            OpenAiEmbeddingModel remote = embeddings(served[0]);
            // All at once, so that the server merges them into batches.
            ExecutorService clients = Executors.newFixedThreadPool(TEXTS.size());
            try {
                List<Future<Embedding>> answers = new ArrayList<>();
                for (String text : TEXTS) {
                    answers.add(clients.submit(() -> remote.embed(text).content()));
                }
                for (int i = 0; i < TEXTS.size(); i++) {
                    float[] got = answers.get(i).get(10, TimeUnit.MINUTES).vector();
                    assertEquals(384, got.length);
                    assertClose(expected.get(i), got, 1e-5, served[0] + ": " + TEXTS.get(i));
                }
            } finally {
                clients.shutdownNow();
            }
            // And all in one request.
            Response<List<Embedding>> all = remote.embedAll(TEXTS.stream().map(TextSegment::from).toList());
            for (int i = 0; i < TEXTS.size(); i++) {
                assertClose(expected.get(i), all.content().get(i).vector(), 1e-5, served[0] + " batch: " + TEXTS.get(i));
            }
            assertTrue(all.tokenUsage().inputTokenCount() > TEXTS.size(), String.valueOf(all.tokenUsage()));
        }
        String metrics = server.metrics();
        assertTrue(metrics.contains("spikelm_batch_size_count{model=\"minilm\"}"), metrics);
        assertTrue(metrics.contains("spikelm_request_firing_rate_count{model=\"minilm-t4\"}"), metrics);
        assertFalse(metrics.contains("spikelm_request_firing_rate_count{model=\"minilm\"}"), "an ANN has no firing rate");
        assertTrue(metrics.contains("spikelm_request_energy_joules_count{model=\"minilm\"}"), metrics);
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        double worst = 0;
        for (int k = 0; k < expected.length; k++) {
            worst = Math.max(worst, Math.abs(expected[k] - actual[k]));
        }
        assertTrue(worst <= tolerance, what + ": largest difference " + worst);
    }

    /** The value of one series in the server's metrics, 0 when absent. */
    static double metric(String series) {
        return server.metrics().lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1))).findFirst().orElse(0);
    }

    @Test
    void streamedGreedyChatEqualsNonStreamedAndInProcess() throws Exception {
        double ratesBefore = metric("spikelm_request_firing_rate_count{model=\"gpt2-t2\"}");
        double tokensBefore = metric("spikelm_tokens_total{model=\"gpt2-t2\",kind=\"completion\"}");
        ChatRequest request = ChatRequest.builder()
                .messages(SystemMessage.from("You are terse."), UserMessage.from("Name three rivers, please."))
                .build();
        OpenAiChatModel chat = OpenAiChatModel.builder().baseUrl(server.baseUrl().toString()).apiKey(KEY)
                .modelName("gpt2-t2").temperature(0.0).maxTokens(24).maxRetries(0).timeout(Duration.ofMinutes(10)).build();
        ChatResponse whole = chat.chat(request);

        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(server.baseUrl().toString())
                .apiKey(KEY).modelName("gpt2-t2").temperature(0.0).maxTokens(24).timeout(Duration.ofMinutes(10)).build();
        StringBuilder pieces = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String piece) {
                pieces.append(piece);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse streamed = done.get(10, TimeUnit.MINUTES);

        String reply;
        try (SpikeLmChatModel local = SpikeLmChatModel.builder().modelPath(gpt2).timeSteps(2).build()) {
            reply = local.chat(ChatRequest.builder().messages(request.messages())
                    .parameters(dev.langchain4j.model.chat.request.ChatRequestParameters.builder().maxOutputTokens(24).build())
                    .build()).aiMessage().text();
        }
        assertFalse(reply.isEmpty());
        assertEquals(reply, whole.aiMessage().text());
        assertEquals(reply, streamed.aiMessage().text());
        assertEquals(reply, pieces.toString());
        assertEquals(FinishReason.LENGTH, whole.finishReason());
        assertEquals(FinishReason.LENGTH, streamed.finishReason());
        assertEquals(24, whole.tokenUsage().outputTokenCount());
        assertEquals(whole.tokenUsage(), streamed.tokenUsage());
        assertEquals(ratesBefore + 2, metric("spikelm_request_firing_rate_count{model=\"gpt2-t2\"}"));
        assertEquals(tokensBefore + 48, metric("spikelm_tokens_total{model=\"gpt2-t2\",kind=\"completion\"}"));
    }

    @Test
    void completionsContinueThePromptAsItIs() {
        OpenAiLanguageModel completions = OpenAiLanguageModel.builder().baseUrl(server.baseUrl().toString()).apiKey(KEY)
                .modelName("gpt2-t2").temperature(0.0).maxRetries(0).timeout(Duration.ofMinutes(10)).build();
        Response<String> first = completions.generate("Once upon a time");
        Response<String> second = completions.generate("Once upon a time");
        assertEquals(first.content(), second.content(), "greedy decoding is deterministic");
        assertEquals(16, first.tokenUsage().outputTokenCount(), "OpenAI's default max_tokens of a completion");
        assertEquals("Once upon a time".length(), first.tokenUsage().inputTokenCount(), "one token per byte");
    }
}
