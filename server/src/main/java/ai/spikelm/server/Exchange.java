package ai.spikelm.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One HTTP request and its response, with the few ways this server answers: a JSON body, an
 * OpenAI error, or a stream of server-sent events. Exactly one of them completes the exchange.
 */
final class Exchange {

    private final Request request;
    private final Response response;
    private final Callback callback;
    private OutputStream events;

    Exchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
    }

    Request request() {
        return request;
    }

    /**
     * Reads the body, refusing it with a 413 beyond {@code limit} bytes, before reading it when the
     * length is declared.
     */
    byte[] body(int limit) {
        long declared = request.getLength();
        if (declared > limit) {
            throw tooLarge(declared, limit);
        }
        try (InputStream in = Request.asInputStream(request)) {
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw tooLarge(-1, limit);
            }
            // From here the request waits for its model without I/O: that is work, not an idle
            // connection (the idle timeout, shortened while stopping, must not fail it). A client
            // that stalls while sending its body still times out.
            request.addIdleTimeoutListener(timeout -> false);
            return body;
        } catch (IOException e) {
            throw ApiException.invalid(null, "The body could not be read: " + e.getMessage());
        }
    }

    private static ApiException tooLarge(long declared, int limit) {
        return new ApiException(413, "invalid_request_error", null, "request_too_large",
                "The body " + (declared >= 0 ? "has " + declared + " bytes" : "is larger than that")
                        + "; this server accepts at most " + limit + " bytes");
    }

    /** Sets a response header. */
    void header(HttpHeader name, String value) {
        response.getHeaders().put(name, value);
    }

    /** Answers with a JSON document. */
    void json(int status, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = JsonRequest.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        send(status, "application/json", bytes);
    }

    /** Answers with text (the metrics). */
    void text(int status, String contentType, String body) {
        send(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private void send(int status, String contentType, byte[] bytes) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** Answers with an OpenAI error. */
    void error(ApiException e) {
        if (e.status() == 429 || e.status() == 503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        }
        json(e.status(), errorBody(e));
    }

    /** OpenAI's error shape. */
    static ObjectNode errorBody(ApiException e) {
        ObjectNode root = JsonRequest.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", e.type());
        error.put("param", e.param());
        error.put("code", e.code());
        return root;
    }

    /** Whether nothing has been sent yet (an error can still have its own status). */
    boolean isUncommitted() {
        return events == null && !response.isCommitted();
    }

    /** Sends one server-sent event ({@code data: ...}), opening the stream on the first. */
    void event(String data) throws IOException {
        if (events == null) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            events = Content.Sink.asOutputStream(response);
        }
        events.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        events.flush(); // each piece reaches the client as it is generated
    }

    /** Sends one JSON event. */
    void event(ObjectNode data) throws IOException {
        event(JsonRequest.MAPPER.writeValueAsString(data));
    }

    /** Ends the event stream and the exchange. */
    void endEvents() throws IOException {
        events.close();
        callback.succeeded();
    }

    /** Ends the exchange after a failure that can no longer be answered (the client is gone). */
    void abort(Throwable cause) {
        callback.failed(cause);
    }
}
