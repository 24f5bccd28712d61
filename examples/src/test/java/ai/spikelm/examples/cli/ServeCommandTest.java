package ai.spikelm.examples.cli;

import static ai.spikelm.examples.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelKind;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spikelm serve} and {@code spikelm bench-serve}, at tiny counts. */
class ServeCommandTest {

    @Test
    void benchServeComparesDynamicBatchingWithBatchSizeOne() {
        String[] r = run("bench-serve", "--clients", "2", "--requests", "6", "--warmup", "2", "--max-seconds", "600");
        assertEquals("0", r[0], r[1] + r[2]);
        List<String> lines = r[1].lines().toList();
        assertTrue(lines.get(0).startsWith("all-MiniLM-L6-v2=embedded, 2 clients, 6 requests of 1 text(s)"), r[1]);
        assertTrue(lines.get(2).startsWith("dynamic batching"), r[1]);
        assertTrue(lines.get(3).startsWith("batch size 1"), r[1]);
        for (String row : lines.subList(2, 4)) {
            String[] cells = row.substring(18).trim().split("\\s+");
            assertTrue(Double.parseDouble(cells[0]) > 0, row);
            double p50 = Double.parseDouble(cells[1]);
            double p95 = Double.parseDouble(cells[2]);
            double p99 = Double.parseDouble(cells[3]);
            assertTrue(0 < p50 && p50 <= p95 && p95 <= p99, row);
            assertEquals("0", cells[4], "no errors below the queue limit: " + row);
            assertTrue(Long.parseLong(cells[5]) > 0, "resident memory is read: " + row);
        }
        assertTrue(lines.get(4).startsWith("Dynamic batching: ") && lines.get(4).endsWith("x the throughput of batch size 1"), r[1]);
        assertTrue(r[2].contains("Measuring: 6 requests from 2 clients"), r[2]);
    }

    @Test
    void badOptionsAreOneLineErrors(@TempDir Path dir) throws Exception {
        String[] noName = run("serve", "--model", "/models/x");
        assertEquals("1", noName[0]);
        assertTrue(noName[2].startsWith("spikelm serve: error: --model '/models/x' must be NAME=SOURCE[,T=N]"), noName[2]);
        String[] notModel = run("serve", "--port", "0", "--model", "x=" + dir);
        assertEquals("1", notModel[0]);
        assertTrue(notModel[2].startsWith("spikelm serve: error: ") && notModel[2].contains(dir.resolve("config.json").toString()),
                notModel[2]);
        String[] missing = run("serve", "--port", "0", "--model", "x=" + dir.resolve("nothing"));
        assertEquals("1", missing[0]);
        assertTrue(missing[2].contains("Model 'x': " + dir.resolve("nothing")), missing[2]);
        Path empty = Files.writeString(dir.resolve("key.txt"), "  \n");
        String[] emptyKey = run("serve", "--api-key-file", empty.toString());
        assertEquals("1", emptyKey[0]);
        assertTrue(emptyKey[2].contains("--api-key-file " + empty + " is empty"), emptyKey[2]);
        String[] badBatch = run("serve", "--max-batch", "0");
        assertEquals("1", badBatch[0]);
        assertTrue(badBatch[2].contains("batch size must be at least 1"), badBatch[2]);
    }

    @Test
    void sigtermLetsTheRequestInFlightFinishThenStops(@TempDir Path work) throws Exception {
        Path model = work.resolve("gpt2");
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelFamilies.forModelType("gpt2")
                    .create(ModelKind.CAUSAL_LM, new ModelShape(257, 1024, 32, 1, 2), SpikingConfig.ANN, manager)
                    .save(model);
        }
        Files.writeString(model.resolve("tokenizer.json"), ModelFamilies.forModelType("gpt2").newTokenizerJson().orElseThrow());
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(model.resolve("config.json").toFile());
        config.putNull("eos_token_id"); // replies run to their length
        new ObjectMapper().writeValue(model.resolve("config.json").toFile(), config);
        HttpClient http = HttpClient.newHttpClient();
        try (ChildCli child = ChildCli.start(work, List.of("serve", "--port", "0", "--model", "g=" + model,
                "--shutdown-timeout", "300"))) {
            child.awaitWhileRunning("the server listens", () -> child.log().contains("Serving [g] at "));
            Matcher url = Pattern.compile("at (http://\\S+/v1);").matcher(child.log());
            assertTrue(url.find(), child.log());
            URI base = URI.create(url.group(1) + "/");
            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                    HttpRequest.newBuilder(base.resolve("completions"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"g\", \"prompt\": \"Once upon\", \"max_tokens\": 100}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            URI metrics = URI.create(url.group(1).replace("/v1", "/metrics"));
            child.awaitWhileRunning("the completion runs", () -> http.send(HttpRequest.newBuilder(metrics).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("spikelm_queue_depth{model=\"g\"} 1"));
            String log = child.terminate();
            HttpResponse<String> answer = inFlight.get(1, TimeUnit.MINUTES);
            assertEquals(200, answer.statusCode(), answer.body());
            JsonNode json = new ObjectMapper().readTree(answer.body());
            assertEquals(100, json.at("/usage/completion_tokens").asInt(), answer.body());
            assertTrue(log.contains("Stopping: requests in flight finish") && log.contains("Stopped"), log);
        }
    }
}
