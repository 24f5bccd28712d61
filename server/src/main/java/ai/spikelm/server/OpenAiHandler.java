package ai.spikelm.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests to the endpoints, checks the API key on {@code /v1/}, reads bodies within the
 * limit, turns every failure into an OpenAI error and counts requests and latency. Blocking: each
 * request holds a Jetty thread while it waits for its model.
 */
final class OpenAiHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiHandler.class);

    /** Endpoints by path, for routing and for the metrics' label (other paths count as "other"). */
    private static final Set<String> POSTS = Set.of("/v1/embeddings", "/v1/chat/completions", "/v1/completions");
    private static final Set<String> GETS = Set.of("/health", "/ready", "/metrics", "/v1/models");

    private final ModelTable models;
    private final ServerLimits limits;
    private final ServerMetrics metrics;
    private final ApiKey apiKey;
    private final BooleanSupplier ready;
    private final EmbeddingsEndpoint embeddings;
    private final GenerationEndpoints generation;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final long loaded = Responses.created();

    OpenAiHandler(ModelTable models, ServerLimits limits, ServerMetrics metrics, ApiKey apiKey, BooleanSupplier ready) {
        this.models = models;
        this.limits = limits;
        this.metrics = metrics;
        this.apiKey = apiKey;
        this.ready = ready;
        this.embeddings = new EmbeddingsEndpoint(models, limits, metrics);
        this.generation = new GenerationEndpoints(models, limits, metrics);
        metrics.inFlight.register(inFlight::get);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        String path = Request.getPathInContext(request);
        String endpoint = POSTS.contains(path) || GETS.contains(path) ? path
                : path.startsWith("/v1/models/") ? "/v1/models/{id}" : "other";
        inFlight.incrementAndGet();
        Request.addCompletionListener(request, failure -> {
            inFlight.decrementAndGet();
            metrics.requests.inc(endpoint, String.valueOf(response.getStatus()));
            metrics.latency.observe((System.nanoTime() - start) / 1e9, endpoint);
        });
        Exchange exchange = new Exchange(request, response, callback);
        try {
            route(request.getMethod(), path, exchange);
        } catch (ApiException e) {
            answer(exchange, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer(exchange, ApiException.unavailable("The server is stopping"));
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", request.getMethod(), path, e);
            answer(exchange, Failures.translate(e));
        }
        return true;
    }

    private static void answer(Exchange exchange, ApiException e) {
        if (exchange.isUncommitted()) {
            exchange.error(e);
        } else {
            exchange.abort(e);
        }
    }

    private void route(String method, String path, Exchange exchange) throws InterruptedException {
        boolean post = POSTS.contains(path);
        boolean get = GETS.contains(path) || path.startsWith("/v1/models/");
        if (!post && !get) {
            throw new ApiException(404, "invalid_request_error", null, "unknown_url", "Invalid URL (" + method + " " + path + ")");
        }
        if (!method.equals(post ? "POST" : "GET")) {
            exchange.header(HttpHeader.ALLOW, post ? "POST" : "GET");
            throw new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                    path + " takes " + (post ? "POST" : "GET") + ", not " + method);
        }
        if (path.startsWith("/v1/") && apiKey != null
                && !apiKey.accepts(exchange.request().getHeaders().get(HttpHeader.AUTHORIZATION))) {
            throw new ApiException(401, "invalid_request_error", null, "invalid_api_key",
                    "Incorrect or missing API key: send 'Authorization: Bearer <key>'");
        }
        switch (path) {
            case "/health" -> exchange.json(200, status("ok"));
            case "/ready" -> {
                if (!ready.getAsBoolean()) {
                    throw ApiException.unavailable("Not ready: the server is starting or stopping");
                }
                exchange.json(200, status("ready"));
            }
            case "/metrics" -> exchange.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
            case "/v1/models" -> exchange.json(200, modelList());
            case "/v1/embeddings" -> embeddings.handle(JsonRequest.parse(exchange.body(limits.maxBodyBytes())), exchange);
            case "/v1/chat/completions" -> generation.chat(JsonRequest.parse(exchange.body(limits.maxBodyBytes())), exchange);
            case "/v1/completions" -> generation.completion(JsonRequest.parse(exchange.body(limits.maxBodyBytes())), exchange);
            default -> exchange.json(200, model(models.find(path.substring("/v1/models/".length()))));
        }
    }

    private static ObjectNode status(String status) {
        ObjectNode root = JsonRequest.MAPPER.createObjectNode();
        root.put("status", status);
        return root;
    }

    private ObjectNode modelList() {
        ObjectNode root = JsonRequest.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        models.all().forEach(m -> data.add(model(m)));
        return root;
    }

    private ObjectNode model(ServedModel m) {
        ObjectNode node = JsonRequest.MAPPER.createObjectNode();
        node.put("id", m.name());
        node.put("object", "model");
        node.put("created", loaded);
        node.put("owned_by", "spikelm");
        m.describe(node.putObject("spikelm"));
        return node;
    }
}
