package ai.spikelm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing the server lets the request in flight finish, refuses new ones, then releases the models. */
class GracefulShutdownTest {

    @TempDir Path dir;

    @Test
    void inFlightGenerationFinishesAndNewRequestsAreRefused() throws Exception {
        SpikeLmServer server = SpikeLmServer.builder()
                .addModel(new ModelSpec("gpt2", TestModels.tinyGpt2(dir, 5).toString(), null))
                .optPort(0)
                .optShutdownTimeout(Duration.ofMinutes(5)) // a busy test machine generates slowly
                .build()
                .start();
        int port = server.port();
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"model\": \"gpt2\", \"max_tokens\": 100, \"messages\": [{\"role\": \"user\", \"content\": \"Go on\"}]}";
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!server.metrics().contains("spikelm_queue_depth{model=\"gpt2\"} 1") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(server.isReady());
        Thread closer = new Thread(server::close);
        closer.start();
        while (server.isReady()) {
            Thread.sleep(1);
        }
        HttpResponse<String> answer = inFlight.get();
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode json = new ObjectMapper().readTree(answer.body());
        assertEquals(100, json.at("/usage/completion_tokens").asInt(), answer.body());
        closer.join(Duration.ofMinutes(5).toMillis());
        assertFalse(closer.isAlive());
        HttpClient fresh = HttpClient.newHttpClient();
        assertThrows(IOException.class, () -> fresh.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString()));
        server.close(); // idempotent
    }
}
