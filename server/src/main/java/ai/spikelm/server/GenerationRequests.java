package ai.spikelm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads OpenAI's chat and completion requests into LangChain4j's terms. Fields that ask for what
 * a SpikeLM decoder cannot do (tools, JSON output, log-probabilities, several choices, penalties,
 * per-request seeds) are refused with a 400 naming the field; their neutral values are accepted.
 * Without {@code temperature} (or with 0) decoding is greedy.
 */
final class GenerationRequests {

    /** OpenAI's limit on stop sequences. */
    static final int MAX_STOPS = 4;

    /** OpenAI's default {@code max_tokens} of a text completion. */
    static final int COMPLETION_DEFAULT_MAX_TOKENS = 16;

    private GenerationRequests() {}

    /** The sampling and length parameters common to both endpoints. */
    static ChatRequestParameters parameters(JsonRequest body, int maxOutputTokens, Integer defaultMaxTokens) {
        refuseCommon(body);
        body.integer("n", 1, 1); // one choice per request
        Integer maxTokens = body.integer("max_tokens", 1, maxOutputTokens);
        Integer maxCompletionTokens = body.integer("max_completion_tokens", 1, maxOutputTokens);
        if (maxTokens != null && maxCompletionTokens != null && !maxTokens.equals(maxCompletionTokens)) {
            throw ApiException.invalid("max_tokens", "'max_tokens' and 'max_completion_tokens' differ; send one");
        }
        Integer max = maxCompletionTokens != null ? maxCompletionTokens : maxTokens != null ? maxTokens : defaultMaxTokens;
        DefaultChatRequestParameters.Builder<?> p = DefaultChatRequestParameters.builder()
                .temperature(body.number("temperature", 0, 2))
                .topP(positiveTopP(body))
                .stopSequences(body.stopSequences(MAX_STOPS));
        if (max != null) {
            p.maxOutputTokens(max);
        }
        return p.build();
    }

    private static Double positiveTopP(JsonRequest body) {
        Double topP = body.number("top_p", 0, 1);
        if (topP != null && topP == 0) {
            throw ApiException.invalid("top_p", "'top_p' must be above 0");
        }
        return topP;
    }

    private static void refuseCommon(JsonRequest body) {
        body.refuse("presence_penalty", "SpikeLM decoders have no presence penalty", IntNode.valueOf(0));
        body.refuse("frequency_penalty", "SpikeLM decoders have no frequency penalty", IntNode.valueOf(0));
        body.refuse("logit_bias", "SpikeLM decoders take no logit bias");
        body.refuse("seed", "sampling is seeded per model, not per request; temperature 0 is deterministic");
        body.refuse("best_of", "one choice per request", IntNode.valueOf(1));
    }

    /** The messages of a chat request. */
    static List<ChatMessage> messages(JsonRequest body) {
        body.refuse("tools", "SpikeLM decoders call no tools");
        body.refuse("functions", "SpikeLM decoders call no functions");
        body.refuse("tool_choice", "SpikeLM decoders call no tools", TextNode.valueOf("none"), TextNode.valueOf("auto"));
        body.refuse("function_call", "SpikeLM decoders call no functions", TextNode.valueOf("none"), TextNode.valueOf("auto"));
        body.refuse("logprobs", "log-probabilities are not returned", BooleanNode.FALSE);
        body.refuse("top_logprobs", "log-probabilities are not returned", IntNode.valueOf(0));
        body.refuse("audio", "text only");
        body.refuse("modalities", "text only");
        JsonNode format = body.get("response_format");
        if (format != null && !(format.isObject() && "text".equals(format.path("type").asText()))) {
            throw ApiException.unsupported("response_format", "'response_format' must be {\"type\": \"text\"}: SpikeLM"
                    + " decoders do not constrain their output to JSON");
        }
        JsonNode list = body.get("messages");
        if (list == null) {
            throw ApiException.invalid("messages", "'messages' is required");
        }
        if (!list.isArray()) {
            throw JsonRequest.wrongType("messages", "an array of messages", list);
        }
        if (list.isEmpty()) {
            throw ApiException.invalid("messages", "'messages' is empty: give at least one message");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            messages.add(message(list.get(i), "messages[" + i + "]"));
        }
        return messages;
    }

    private static ChatMessage message(JsonNode m, String where) {
        if (!m.isObject()) {
            throw JsonRequest.wrongType(where, "an object with 'role' and 'content'", m);
        }
        JsonNode role = m.get("role");
        if (role == null || !role.isTextual()) {
            throw ApiException.invalid(where + ".role", "'" + where + ".role' must be a string");
        }
        JsonNode toolCalls = m.get("tool_calls");
        if (toolCalls != null && !toolCalls.isNull() && !toolCalls.isEmpty()) {
            throw ApiException.unsupported(where + ".tool_calls", "SpikeLM decoders call no tools");
        }
        String text = text(m.get("content"), where + ".content");
        switch (role.textValue()) {
            case "system":
            case "developer":
                return SystemMessage.from(text);
            case "user":
                return UserMessage.from(text);
            case "assistant":
                return AiMessage.from(text);
            case "tool":
            case "function":
                throw ApiException.unsupported(where + ".role", "'" + role.textValue() + "' messages are not supported:"
                        + " SpikeLM decoders call no tools");
            default:
                throw ApiException.invalid(where + ".role", "'" + where + ".role' must be system, developer, user or"
                        + " assistant, got '" + role.textValue() + "'");
        }
    }

    /** A message's text: a string, or an array of {@code {"type": "text", "text": ...}} parts joined by newlines. */
    private static String text(JsonNode content, String where) {
        if (content == null || content.isNull()) {
            throw ApiException.invalid(where, "'" + where + "' is required");
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (!content.isArray()) {
            throw JsonRequest.wrongType(where, "a string or an array of text parts", content);
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").asText("");
            if (!"text".equals(type) || !part.path("text").isTextual()) {
                throw ApiException.unsupported(where + "[" + i + "]", "Only text parts ({\"type\": \"text\", \"text\": ...})"
                        + " are supported, got " + (type.isEmpty() ? JsonRequest.kind(part) : "'" + type + "'"));
            }
            parts.add(part.get("text").textValue());
        }
        return String.join("\n", parts);
    }

    /** The prompt of a completion request: a string, or an array holding one string. */
    static String prompt(JsonRequest body) {
        body.refuse("suffix", "SpikeLM decoders continue text, they do not fill in");
        body.refuse("logprobs", "log-probabilities are not returned", IntNode.valueOf(0));
        JsonNode prompt = body.get("prompt");
        if (prompt == null) {
            throw ApiException.invalid("prompt", "'prompt' is required");
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            prompt = prompt.get(0);
        }
        if (prompt.isArray()) {
            throw ApiException.unsupported("prompt", "'prompt' must be one string: token arrays and several prompts"
                    + " per request are not supported");
        }
        if (!prompt.isTextual()) {
            throw JsonRequest.wrongType("prompt", "a string", prompt);
        }
        if (prompt.textValue().isEmpty()) {
            throw ApiException.invalid("prompt", "'prompt' is empty");
        }
        return prompt.textValue();
    }
}
