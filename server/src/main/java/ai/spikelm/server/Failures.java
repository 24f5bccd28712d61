package ai.spikelm.server;

import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import java.util.function.Supplier;

/** Turns what the models throw into OpenAI errors: the request's fault is a 400, anything else a 500. */
final class Failures {

    private Failures() {}

    /** The error a failure answers with. */
    static ApiException translate(Throwable t) {
        if (t instanceof ApiException api) {
            return api;
        }
        if (t instanceof UnsupportedFeatureException) {
            return ApiException.unsupported(null, t.getMessage());
        }
        if (t instanceof InvalidRequestException) {
            return ApiException.invalid(null, t.getMessage());
        }
        return new ApiException(500, "server_error", null, null,
                "The model failed: " + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage()));
    }

    /** Runs a call whose exceptions become OpenAI errors. */
    static <T> T translated(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }
}
