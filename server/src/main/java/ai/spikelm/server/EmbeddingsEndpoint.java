package ai.spikelm.server;

import ai.spikelm.zoo.text.TextEmbedding;
import ai.spikelm.zoo.text.TokenizedTexts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * {@code POST /v1/embeddings}: OpenAI's request and response, served by an encoder's batcher. The
 * texts are tokenised here, on the request's thread, and each must be within the token limit (the
 * tokens the encoder reads, special tokens included, summed over the windows of a long text).
 */
final class EmbeddingsEndpoint {

    private final ModelTable models;
    private final ServerLimits limits;
    private final ServerMetrics metrics;

    EmbeddingsEndpoint(ModelTable models, ServerLimits limits, ServerMetrics metrics) {
        this.models = models;
        this.limits = limits;
        this.metrics = metrics;
    }

    void handle(JsonRequest body, Exchange exchange) throws InterruptedException {
        EncoderService encoder = models.encoder(body.requireString("model"));
        List<String> texts = inputs(body.get("input"));
        String format = body.string("encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw ApiException.invalid("encoding_format", "'encoding_format' must be 'float' or 'base64', got '" + format + "'");
        }
        Integer dimensions = body.integer("dimensions", 1, Integer.MAX_VALUE);
        if (dimensions != null && dimensions != encoder.dimension()) {
            throw ApiException.unsupported("dimensions", "'dimensions' must be the model's own, "
                    + encoder.dimension() + ": SpikeLM encoders do not shorten their vectors");
        }
        TokenizedTexts tokenized;
        try {
            tokenized = encoder.tokenize(texts);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("input", e.getMessage());
        }
        for (int i = 0; i < texts.size(); i++) {
            if (tokenized.tokens(i) > limits.maxInputTokens()) {
                throw ApiException.invalid("input", "input[" + i + "] has " + tokenized.tokens(i)
                        + " tokens (special tokens included); this server embeds at most " + limits.maxInputTokens() + " per input");
            }
        }
        long tokens = tokenized.totalTokens();
        EmbeddingBatcher.Output out;
        try {
            out = encoder.embed(tokenized).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        metrics.tokens.add(tokens, encoder.name(), "prompt");
        metrics.firingRate.observe(out.stats().firingRate(), encoder.name());
        metrics.energy.observe(out.stats().joules(), encoder.name());
        exchange.json(200, response(encoder.name(), out, tokens, "base64".equals(format)));
    }

    /** OpenAI's {@code input}: a string or a non-empty array of non-empty strings, within the count limit. */
    private List<String> inputs(JsonNode input) {
        if (input == null) {
            throw ApiException.invalid("input", "'input' is required");
        }
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.textValue());
        } else if (input.isArray()) {
            if (input.isEmpty()) {
                throw ApiException.invalid("input", "'input' is an empty array: give at least one text");
            }
            if (input.size() > limits.maxInputs()) {
                throw ApiException.invalid("input", "'input' has " + input.size() + " texts; this server takes at most "
                        + limits.maxInputs() + " per request");
            }
            for (JsonNode text : input) {
                if (text.isNumber() || (text.isArray() && text.size() > 0 && text.get(0).isNumber())) {
                    throw ApiException.unsupported("input", "Token arrays are not supported: send text");
                }
                if (!text.isTextual()) {
                    throw JsonRequest.wrongType("input", "a string or an array of strings", input);
                }
                texts.add(text.textValue());
            }
        } else {
            throw JsonRequest.wrongType("input", "a string or an array of strings", input);
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).isBlank()) {
                throw ApiException.invalid("input", "input[" + i + "] is empty");
            }
        }
        return texts;
    }

    private static ObjectNode response(String model, EmbeddingBatcher.Output out, long tokens, boolean base64) {
        ObjectNode root = JsonRequest.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        List<TextEmbedding> embeddings = out.embeddings();
        for (int i = 0; i < embeddings.size(); i++) {
            float[] v = embeddings.get(i).vector();
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(v);
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode vector = item.putArray("embedding");
                for (float x : v) {
                    vector.add(x);
                }
            }
        }
        root.put("model", model);
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        Responses.putCost(root, out.stats());
        return root;
    }
}
