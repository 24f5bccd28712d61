package ai.spikelm.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpikeLmTokenCountEstimatorTest {

    @Test
    void countsWordPieceTokensWithoutSpecialTokens(@TempDir Path dir) throws Exception {
        Path tokenizer = dir.resolve("tokenizer.json");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, tokenizer);
        }
        try (SpikeLmTokenCountEstimator estimator = new SpikeLmTokenCountEstimator(tokenizer)) {
            // DATA.md: 12 ids with [CLS] and [SEP], so 10 without.
            assertEquals(10, estimator.estimateTokenCountInText("The quick brown fox jumps over the lazy dog."));
            assertEquals(0, estimator.estimateTokenCountInText(""));
            List<ChatMessage> messages = List.of(UserMessage.from("Hello there"), AiMessage.from("General Kenobi"));
            assertEquals(
                    estimator.estimateTokenCountInText("Hello there") + estimator.estimateTokenCountInText("General Kenobi"),
                    estimator.estimateTokenCountInMessages(messages));
        }
    }
}
