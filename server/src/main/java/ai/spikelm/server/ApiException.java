package ai.spikelm.server;

/**
 * A request that fails with an HTTP status and an OpenAI-style error body: {@code {"error":
 * {"message", "type", "param", "code"}}}.
 */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    ApiException(int status, String type, String param, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: the request is malformed or a value is out of range; {@code param} names the field. */
    static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, null, message);
    }

    /** 400: the request asks for something these models cannot do. */
    static ApiException unsupported(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, "unsupported_parameter", message);
    }

    /** 404: no model of that name is served. */
    static ApiException unknownModel(String model, java.util.Collection<String> served) {
        return new ApiException(404, "invalid_request_error", "model", "model_not_found",
                "The model '" + model + "' does not exist; this server serves " + served);
    }

    /** 429: the model's queue is full; the client should retry later. */
    static ApiException overloaded(String model) {
        return new ApiException(429, "rate_limit_exceeded", null, "queue_full",
                "The queue of model '" + model + "' is full; retry later");
    }

    /** 503: the server is shutting down. */
    static ApiException unavailable(String message) {
        return new ApiException(503, "server_error", null, "unavailable", message);
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    String param() {
        return param;
    }

    String code() {
        return code;
    }
}
