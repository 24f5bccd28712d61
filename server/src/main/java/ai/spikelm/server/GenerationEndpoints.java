package ai.spikelm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.io.IOException;
import java.util.List;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: a generation started on the
 * decoder's thread, answered as one JSON document or as server-sent events ending with {@code
 * data: [DONE]}. A client that goes away mid-stream stops its generation at the next piece.
 */
final class GenerationEndpoints {

    /** The two OpenAI response shapes. */
    private enum Shape {
        CHAT("chatcmpl", "chat.completion", "chat.completion.chunk"),
        TEXT("cmpl", "text_completion", "text_completion");

        final String idPrefix;
        final String object;
        final String chunkObject;

        Shape(String idPrefix, String object, String chunkObject) {
            this.idPrefix = idPrefix;
            this.object = object;
            this.chunkObject = chunkObject;
        }
    }

    /** What a response is about: its id, model and shape, and whether the prompt is echoed. */
    private record Reply(String id, long created, String model, Shape shape, String echo) {}

    /** ChatEngine's default reply length: the server's limit applies below it. */
    private static final int ENGINE_DEFAULT_MAX_TOKENS = 256;

    private final ModelTable models;
    private final ServerLimits limits;
    private final ServerMetrics metrics;

    GenerationEndpoints(ModelTable models, ServerLimits limits, ServerMetrics metrics) {
        this.models = models;
        this.limits = limits;
        this.metrics = metrics;
    }

    void chat(JsonRequest body, Exchange exchange) throws InterruptedException {
        DecoderService decoder = models.decoder(body.requireString("model"));
        boolean stream = body.bool("stream", false);
        boolean usage = includeUsage(body, stream);
        List<ChatMessage> messages = GenerationRequests.messages(body);
        Integer defaultMax = limits.maxOutputTokens() < ENGINE_DEFAULT_MAX_TOKENS ? limits.maxOutputTokens() : null;
        ChatRequestParameters parameters = GenerationRequests.parameters(body, limits.maxOutputTokens(), defaultMax);
        ChatRequest request = ChatRequest.builder().messages(messages).parameters(parameters).build();
        GenerationCall call = Failures.translated(() -> decoder.chat(request, stream));
        respond(call, exchange, new Reply(Responses.id(Shape.CHAT.idPrefix), Responses.created(), decoder.name(), Shape.CHAT, null),
                stream, usage);
    }

    void completion(JsonRequest body, Exchange exchange) throws InterruptedException {
        DecoderService decoder = models.decoder(body.requireString("model"));
        boolean stream = body.bool("stream", false);
        boolean usage = includeUsage(body, stream);
        String prompt = GenerationRequests.prompt(body);
        boolean echo = body.bool("echo", false);
        ChatRequestParameters parameters = GenerationRequests.parameters(body, limits.maxOutputTokens(),
                Math.min(limits.maxOutputTokens(), GenerationRequests.COMPLETION_DEFAULT_MAX_TOKENS));
        GenerationCall call = Failures.translated(() -> decoder.complete(prompt, parameters, stream));
        respond(call, exchange, new Reply(Responses.id(Shape.TEXT.idPrefix), Responses.created(), decoder.name(), Shape.TEXT,
                echo ? prompt : null), stream, usage);
    }

    private static boolean includeUsage(JsonRequest body, boolean stream) {
        JsonNode options = body.get("stream_options");
        if (options == null) {
            return false;
        }
        if (!stream) {
            throw ApiException.invalid("stream_options", "'stream_options' is only allowed with 'stream': true");
        }
        JsonNode include = options.get("include_usage");
        if (!options.isObject() || (include != null && !include.isBoolean() && !include.isNull())) {
            throw JsonRequest.wrongType("stream_options", "an object {\"include_usage\": boolean}", options);
        }
        return include != null && include.booleanValue();
    }

    private void respond(GenerationCall call, Exchange exchange, Reply reply, boolean stream, boolean usage)
            throws InterruptedException {
        exchange.request().addFailureListener(failure -> call.abandon());
        try {
            if (stream) {
                stream(call, exchange, reply, usage);
            } else {
                whole(call, exchange, reply);
            }
        } catch (InterruptedException e) {
            call.abandon(); // the server is stopping hard: the generation must not outlive the request
            throw e;
        }
    }

    private void whole(GenerationCall call, Exchange exchange, Reply reply) throws InterruptedException {
        while (true) {
            GenerationCall.Event event = call.next();
            if (event instanceof GenerationCall.Done done) {
                exchange.json(200, completeBody(reply, done));
                record(reply.model(), done);
                return;
            } else if (event instanceof GenerationCall.Failed failed) {
                throw Failures.translate(failed.error());
            } else if (event instanceof GenerationCall.Abandoned) {
                exchange.abort(new IOException("The client went away"));
                return;
            }
        }
    }

    private void stream(GenerationCall call, Exchange exchange, Reply reply, boolean usage) throws InterruptedException {
        boolean opened = false;
        try {
            while (true) {
                GenerationCall.Event event = call.next();
                if (event instanceof GenerationCall.Abandoned) {
                        exchange.abort(new IOException("The client went away"));
                    return;
                }
                if (event instanceof GenerationCall.Failed failed) {
                    ApiException error = Failures.translate(failed.error());
                    if (!opened) {
                        throw error; // nothing sent yet: the error gets its own status
                    }
                    exchange.event(Exchange.errorBody(error));
                    exchange.event("[DONE]");
                    exchange.endEvents();
                    return;
                }
                if (!opened) {
                    exchange.event(chunk(reply, reply.shape() == Shape.CHAT ? "" : reply.echo(), true, null));
                    opened = true;
                }
                if (event instanceof GenerationCall.Piece piece) {
                    exchange.event(chunk(reply, piece.text(), false, null));
                } else if (event instanceof GenerationCall.Done done) {
                    ChatResponse response = done.response();
                    exchange.event(chunk(reply, reply.shape() == Shape.CHAT ? null : "", false,
                            Responses.finishReason(response.metadata().finishReason())));
                    if (usage) {
                        ObjectNode last = header(reply, true);
                        last.putArray("choices");
                        Responses.putUsage(last, response.metadata().tokenUsage());
                        Responses.putCost(last, done.stats());
                        exchange.event(last);
                    }
                    exchange.event("[DONE]");
                    exchange.endEvents();
                    record(reply.model(), done);
                    return;
                }
            }
        } catch (IOException e) {
            call.abandon(); // the client is gone: the generation stops at its next piece
            exchange.abort(e);
        }
    }

    private void record(String model, GenerationCall.Done done) {
        var usage = done.response().metadata().tokenUsage();
        if (usage != null) {
            metrics.tokens.add(usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(), model, "prompt");
            metrics.tokens.add(usage.outputTokenCount() == null ? 0 : usage.outputTokenCount(), model, "completion");
        }
        metrics.firingRate.observe(done.stats().firingRate(), model);
        metrics.energy.observe(done.stats().joules(), model);
    }

    private static ObjectNode header(Reply reply, boolean chunk) {
        ObjectNode root = JsonRequest.MAPPER.createObjectNode();
        root.put("id", reply.id());
        root.put("object", chunk ? reply.shape().chunkObject : reply.shape().object);
        root.put("created", reply.created());
        root.put("model", reply.model());
        return root;
    }

    /**
     * One streamed chunk: a piece of text (null for none), the role on the first chat chunk, the
     * finish reason on the last.
     */
    private static ObjectNode chunk(Reply reply, String text, boolean first, String finishReason) {
        ObjectNode root = header(reply, true);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (reply.shape() == Shape.CHAT) {
            ObjectNode delta = choice.putObject("delta");
            if (first) {
                delta.put("role", "assistant");
            }
            if (text != null) {
                delta.put("content", text);
            }
        } else {
            choice.put("text", text == null ? "" : text);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return root;
    }

    private static ObjectNode completeBody(Reply reply, GenerationCall.Done done) {
        ChatResponse response = done.response();
        String text = response.aiMessage().text() == null ? "" : response.aiMessage().text();
        ObjectNode root = header(reply, false);
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        if (reply.shape() == Shape.CHAT) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", text);
        } else {
            choice.put("text", reply.echo() == null ? text : reply.echo() + text);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", Responses.finishReason(response.metadata().finishReason()));
        Responses.putUsage(root, response.metadata().tokenUsage());
        Responses.putCost(root, done.stats());
        return root;
    }
}
