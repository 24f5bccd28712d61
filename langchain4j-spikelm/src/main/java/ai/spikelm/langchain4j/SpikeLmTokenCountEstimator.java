package ai.spikelm.langchain4j;

import ai.spikelm.zoo.core.TokenizerFiles;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Counts tokens with a model's own {@code tokenizer.json} (no truncation, no special tokens). A
 * message counts the tokens of its text; this tokenizer has no chat template, so no per-message
 * overhead is added.
 */
public final class SpikeLmTokenCountEstimator implements TokenCountEstimator, AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;

    /**
     * Creates an estimator.
     *
     * @param tokenizerJson a Hugging Face {@code tokenizer.json}
     */
    public SpikeLmTokenCountEstimator(Path tokenizerJson) {
        try {
            this.tokenizer = TokenizerFiles.load(tokenizerJson,
                    b -> b.optTruncation(false).optPadding(false).optAddSpecialTokens(false));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** {@inheritDoc} */
    @Override
    public int estimateTokenCountInText(String text) {
        return text == null || text.isEmpty() ? 0 : tokenizer.encode(text).getIds().length;
    }

    /** {@inheritDoc} */
    @Override
    public int estimateTokenCountInMessage(ChatMessage message) {
        return estimateTokenCountInText(text(message));
    }

    /** {@inheritDoc} */
    @Override
    public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
        int total = 0;
        for (ChatMessage message : messages) {
            total += estimateTokenCountInMessage(message);
        }
        return total;
    }

    private static String text(ChatMessage message) {
        if (message instanceof UserMessage user) {
            return user.hasSingleText() ? user.singleText() : user.contents().toString();
        } else if (message instanceof AiMessage ai) {
            return ai.text();
        } else if (message instanceof SystemMessage system) {
            return system.text();
        } else if (message instanceof ToolExecutionResultMessage tool) {
            return tool.text();
        }
        throw new IllegalArgumentException("Unsupported message type: " + message.type());
    }

    /** Releases the tokenizer. */
    @Override
    public void close() {
        tokenizer.close();
    }
}
