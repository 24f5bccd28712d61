package ai.spikelm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests a client should not send, and clients that misbehave: each gets a clear OpenAI-style
 * error with the right status, and the server keeps serving.
 */
class BadInputTest {

    static final String KEY = "sk-bad-input-test";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dir;
    static SpikeLmServer server;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        server = SpikeLmServer.builder()
                .addModel(new ModelSpec("minilm", ModelSpec.EMBEDDED, null))
                .addModel(new ModelSpec("gpt2", TestModels.tinyGpt2(dir, 3).toString(), null))
                .optPort(0)
                .optApiKey(KEY)
                .optLimits(ServerLimits.builder().optMaxBodyBytes(64 << 10).optMaxInputs(4).optMaxInputTokens(32)
                        .optMaxOutputTokens(400).optQueueCapacity(1).build())
                .build()
                .start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Answer(int status, JsonNode body, HttpResponse<String> raw) {}

    static Answer post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static Answer send(HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                ? JSON.readTree(r.body()) : null;
        return new Answer(r.statusCode(), body, r);
    }

    /** Sends headers ending in {@code framing}, then 256 KiB of a body that never ends; returns the status. */
    static int statusOfUnfinishedPost(String framing) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/embeddings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\n" + framing).getBytes(StandardCharsets.US_ASCII));
            byte[] part = new byte[256 << 10];
            Arrays.fill(part, (byte) 'a');
            try {
                out.write(part);
                out.flush();
            } catch (SocketException e) {
                // The server may answer and close before the part is sent (that is what is tested):
                // the write then fails with a broken pipe, and the answer is still there to read.
            }
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertTrue(status != null && status.startsWith("HTTP/1.1 "), String.valueOf(status));
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    /** Asserts an OpenAI error: status, type, param, and a message containing {@code says}. */
    static void assertError(Answer a, int status, String param, String says) {
        assertEquals(status, a.status(), a.raw().body());
        JsonNode error = a.body().get("error");
        assertTrue(error.get("type").isTextual(), a.raw().body());
        assertTrue(error.has("code") && error.has("param"), a.raw().body());
        if (param != null) {
            assertEquals(param, error.get("param").asText(), a.raw().body());
        }
        assertTrue(error.get("message").asText().contains(says), a.raw().body());
    }

    @Test
    void malformedBodiesAndWrongTypes() throws Exception {
        assertError(post("/v1/embeddings", "{\"model\": \"minilm\", \"input\": "), 400, null, "not valid JSON");
        assertError(post("/v1/embeddings", ""), 400, null, "empty");
        assertError(post("/v1/embeddings", "[1, 2]"), 400, null, "must be a JSON object");
        assertError(post("/v1/embeddings", "{\"model\": 7, \"input\": \"x\"}"), 400, "model", "must be a string");
        assertError(post("/v1/embeddings", "{\"model\": \"minilm\", \"input\": 5}"), 400, "input", "a string or an array");
        assertError(post("/v1/embeddings", "{\"model\": \"minilm\", \"input\": [\"a\", {}]}"), 400, "input", "a string or an array");
        assertError(post("/v1/embeddings", "{\"model\": \"minilm\", \"input\": [[1, 2, 3]]}"), 400, "input", "Token arrays");
        assertError(post("/v1/embeddings", "{\"model\": \"minilm\", \"input\": \"x\", \"encoding_format\": \"hex\"}"),
                400, "encoding_format", "'float' or 'base64'");
        assertError(post("/v1/embeddings", "{\"model\": \"minilm\", \"input\": \"x\", \"dimensions\": 128}"),
                400, "dimensions", "384");
        assertError(post("/v1/chat/completions", "{\"model\": \"gpt2\", \"messages\": \"hi\"}"), 400, "messages", "an array");
        assertError(post("/v1/chat/completions", "{\"model\": \"gpt2\", \"messages\": [{\"role\": \"user\"}]}"),
                400, "messages[0].content", "required");
        assertError(post("/v1/chat/completions", "{\"model\": \"gpt2\", \"messages\": [{\"role\": \"wizard\", \"content\": \"x\"}]}"),
                400, "messages[0].role", "wizard");
        assertError(post("/v1/chat/completions",
                "{\"model\": \"gpt2\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]}"),
                400, "messages[0].content[0]", "Only text parts");
        String hi = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        assertError(post("/v1/chat/completions", "{\"model\": \"gpt2\", " + hi + ", \"temperature\": \"hot\"}"),
                400, "temperature", "must be a number");
        assertError(post("/v1/chat/completions", "{\"model\": \"gpt2\", " + hi + ", \"temperature\": 7}"),
                400, "temperature", "[0.0, 2.0]");
        assertError(post("/v1/chat/completions", "{\"model\": \"gpt2\", " + hi + ", \"stream\": \"yes\"}"),
                400, "stream", "a boolean");
        assertError(post("/v1/chat/completions", "{\"model\": \"gpt2\", " + hi + ", \"stop\": [\"a\", 1]}"),
                400, "stop", "array of strings");
        assertError(post("/v1/completions", "{\"model\": \"gpt2\", \"prompt\": [1, 2]}"), 400, "prompt", "one string");
        assertError(post("/v1/completions", "{\"model\": \"gpt2\", \"prompt\": \"\"}"), 400, "prompt", "empty");
    }

    @Test
    void emptyAndOverLimitInputs() throws Exception {
        assertError(post("/v1/embeddings", "{\"model\": \"minilm\", \"input\": []}"), 400, "input", "empty array");
        assertError(post("/v1/embeddings", "{\"model\": \"minilm\", \"input\": [\"ok\", \"  \"]}"), 400, "input", "input[1] is empty");
        assertError(post("/v1/embeddings", "{\"model\": \"minilm\", \"input\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}"),
                400, "input", "at most 4");
        String longText = "word ".repeat(40);
        assertError(post("/v1/embeddings", "{\"model\": \"minilm\", \"input\": [\"short\", \"" + longText + "\"]}"),
                400, "input", "input[1] has 42 tokens (special tokens included)");
        assertError(post("/v1/chat/completions",
                "{\"model\": \"gpt2\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 401}"),
                400, "max_tokens", "[1, 400]");
        assertError(post("/v1/chat/completions",
                "{\"model\": \"gpt2\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"n\": 2}"), 400, "n", "[1, 1]");
        assertError(post("/v1/chat/completions", "{\"model\": \"gpt2\", \"messages\": []}"), 400, "messages", "empty");
        // A prompt longer than the model's window: refused before anything is streamed, with its own status.
        String prompt = "x".repeat(600);
        for (String stream : new String[] {"false", "true"}) {
            assertError(post("/v1/completions", "{\"model\": \"gpt2\", \"prompt\": \"" + prompt + "\", \"stream\": " + stream + "}"),
                    400, null, "context window");
        }
    }

    @Test
    void unsupportedFeaturesAreNamed() throws Exception {
        String hi = "\"model\": \"gpt2\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        assertError(post("/v1/chat/completions", "{" + hi + ", \"tools\": [{\"type\": \"function\"}]}"), 400, "tools", "no tools");
        assertError(post("/v1/chat/completions", "{" + hi + ", \"response_format\": {\"type\": \"json_object\"}}"),
                400, "response_format", "JSON");
        assertError(post("/v1/chat/completions", "{" + hi + ", \"presence_penalty\": 0.5}"), 400, "presence_penalty", "not supported");
        assertError(post("/v1/chat/completions", "{" + hi + ", \"logprobs\": true}"), 400, "logprobs", "not supported");
        // Neutral values, as clients often send them, are fine.
        Answer ok = post("/v1/chat/completions", "{" + hi + ", \"presence_penalty\": 0, \"tools\": [], \"logprobs\": false,"
                + " \"response_format\": {\"type\": \"text\"}, \"max_tokens\": 3, \"n\": 1}");
        assertEquals(200, ok.status(), ok.raw().body());
        assertEquals(3, ok.body().at("/usage/completion_tokens").asInt());
    }

    @Test
    void unknownModelsAndWrongTasks() throws Exception {
        assertError(post("/v1/embeddings", "{\"model\": \"gpt-4o\", \"input\": \"x\"}"), 404, "model", "'gpt-4o' does not exist");
        assertEquals("model_not_found", post("/v1/embeddings", "{\"model\": \"nope\", \"input\": \"x\"}").body().at("/error/code").asText());
        assertError(post("/v1/embeddings", "{\"input\": \"x\"}"), 400, "model", "required");
        assertError(post("/v1/embeddings", "{\"model\": \"gpt2\", \"input\": \"x\"}"), 400, "model", "text generation model");
        assertError(post("/v1/chat/completions", "{\"model\": \"minilm\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"),
                400, "model", "embedding model");
        Answer model = send(get("/v1/models/nope"));
        assertError(model, 404, "model", "does not exist");
    }

    static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).header("Authorization", "Bearer " + KEY)
                .GET().build();
    }

    @Test
    void tenMegabyteBodyIsRefusedAndTheServerGoesOn() throws Exception {
        // A 10 MB body, announced by its length or sent chunked without one: the server answers 413 as
        // soon as it knows (the header, or the first read past the limit), without waiting for the rest.
        // The client is a raw socket that sends the first 256 KiB, tolerating the server's close
        // mid-write, and then reads the answer (the JDK client reports the broken pipe instead).
        String prefix = "{\"model\": \"minilm\", \"input\": \"";
        int length = prefix.length() + (10 << 20) + 2;
        assertEquals(413, statusOfUnfinishedPost("Content-Length: " + length + "\r\n\r\n" + prefix));
        assertEquals(413, statusOfUnfinishedPost(
                "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(length) + "\r\n" + prefix));
        Answer ok = post("/v1/embeddings", "{\"model\": \"minilm\", \"input\": \"still serving\"}");
        assertEquals(200, ok.status(), ok.raw().body());
        assertEquals(384, ok.body().at("/data/0/embedding").size());
    }

    @Test
    void apiKeyIsRequiredOnV1AndNeverEchoed() throws Exception {
        HttpRequest none = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/models")).GET().build();
        assertError(send(none), 401, null, "API key");
        HttpRequest wrong = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/models"))
                .header("Authorization", "Bearer " + KEY + "x").GET().build();
        Answer denied = send(wrong);
        assertError(denied, 401, null, "API key");
        assertFalse(denied.raw().body().contains(KEY), denied.raw().body());
        assertEquals("invalid_api_key", denied.body().at("/error/code").asText());
        Answer models = send(get("/v1/models"));
        assertEquals(200, models.status());
        assertEquals("minilm", models.body().at("/data/0/id").asText());
        assertEquals(384, models.body().at("/data/0/spikelm/dimension").asInt());
        assertEquals("gpt2", models.body().at("/data/1/id").asText());
        // Probes and metrics are open.
        for (String open : new String[] {"/health", "/ready", "/metrics"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + open)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), open);
        }
    }

    @Test
    void unknownPathsAndMethods() throws Exception {
        assertError(send(get("/v1/nothing")), 404, null, "Invalid URL (GET /v1/nothing)");
        Answer wrongMethod = send(get("/v1/embeddings"));
        assertError(wrongMethod, 405, null, "takes POST");
        assertEquals("POST", wrongMethod.raw().headers().firstValue("Allow").orElse(null));
    }

    @Test
    void metricsAreInPrometheusTextFormat() throws Exception {
        String requests = "spikelm_requests_total{endpoint=\"/v1/embeddings\",status=\"200\"}";
        String inputs = "spikelm_batch_size_sum{model=\"minilm\"}";
        double requestsBefore = metric(requests);
        double inputsBefore = metric(inputs);
        assertEquals(200, post("/v1/embeddings", "{\"model\": \"minilm\", \"input\": [\"one\", \"two\"]}").status());
        // Batch sizes are recorded before the answer is sent; the request once its last byte is out.
        assertEquals(inputsBefore + 2, metric(inputs), inputs);
        awaitMetric(requests, requestsBefore + 1);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String text = r.body();
        for (String family : new String[] {"spikelm_requests_total counter", "spikelm_request_duration_seconds histogram",
                "spikelm_batch_size histogram", "spikelm_request_energy_joules histogram", "spikelm_queue_depth gauge"}) {
            assertTrue(text.contains("# TYPE " + family), family + "\n" + text);
        }
        // Both models here are ANNs: no firing rate, and the client leaves out a family without series.
        assertFalse(text.contains("spikelm_request_firing_rate"), text);
        assertTrue(text.contains("spikelm_requests_total{endpoint=\"/v1/embeddings\",status=\"200\"}"), text);
        assertTrue(text.contains("spikelm_request_duration_seconds_bucket{endpoint=\"/v1/embeddings\",le=\"+Inf\"}"), text);
        assertTrue(text.contains("spikelm_batch_size_bucket{model=\"minilm\",le=\"2.0\"}"), text);
        assertFalse(text.contains(KEY));
    }

    /** Opens a streamed chat on a raw socket and returns it once the first event has arrived. */
    static Socket openStream(int maxTokens) throws Exception {
        Socket socket = new Socket("127.0.0.1", server.port());
        String body = "{\"model\": \"gpt2\", \"stream\": true, \"max_tokens\": " + maxTokens
                + ", \"messages\": [{\"role\": \"user\", \"content\": \"Tell me a long story\"}]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String status = in.readLine();
        assertTrue(status.contains(" 200 "), status);
        String line;
        while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
            // headers and chunk sizes
        }
        assertTrue(line != null && line.contains("chat.completion.chunk"), String.valueOf(line));
        return socket;
    }

    static double metric(String series) {
        return server.metrics().lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1))).findFirst().orElse(0);
    }

    static void awaitMetric(String series, double value) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (metric(series) != value && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(value, metric(series), series);
    }

    @Test
    void aClientThatLeavesMidStreamStopsItsGenerationAndAFullQueueAnswers429() throws Exception {
        String queue = "spikelm_queue_depth{model=\"gpt2\"}";
        String cancelled = "spikelm_generations_total{model=\"gpt2\",outcome=\"cancelled\"}";
        String completed = "spikelm_generations_total{model=\"gpt2\",outcome=\"completed\"}";
        double cancelledBefore = metric(cancelled);
        double completedBefore = metric(completed);
        // Queue capacity 1: one generation runs, one waits, the third is refused at once.
        Socket running = openStream(400);
        Socket waiting = new Socket("127.0.0.1", server.port());
        String body = "{\"model\": \"gpt2\", \"max_tokens\": 5, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        waiting.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        awaitMetric(queue, 2);
        long start = System.nanoTime();
        Answer refused = post("/v1/chat/completions", body);
        assertError(refused, 429, null, "queue of model 'gpt2' is full");
        assertEquals("1", refused.raw().headers().firstValue("Retry-After").orElse(null));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "refused at once");
        // The streaming client goes away: its generation stops, the waiting one runs and completes.
        running.close();
        awaitMetric(cancelled, cancelledBefore + 1);
        BufferedReader in = new BufferedReader(new InputStreamReader(waiting.getInputStream(), StandardCharsets.UTF_8));
        assertTrue(in.readLine().contains(" 200 "));
        waiting.close();
        awaitMetric(queue, 0);
        assertEquals(completedBefore + 1, metric(completed), "only the waiting generation completed");
        Answer after = post("/v1/chat/completions", body);
        assertEquals(200, after.status(), after.raw().body());
        assertEquals("length", after.body().at("/choices/0/finish_reason").asText());
    }
}
