package ai.spikelm.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** DJL's Hugging Face tokenizer on the real bert-base-uncased WordPiece vocabulary. */
class TokenizerTest {

    @Test
    void wordPieceIdsMatchTheReference() throws IOException {
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(MiniLm.tokenizer())) {
            Encoding encoding = tokenizer.encode("The quick brown fox jumps over the lazy dog.");
            assertArrayEquals(
                    new long[] {101, 1996, 4248, 2829, 4419, 14523, 2058, 1996, 13971, 3899, 1012, 102},
                    encoding.getIds());
        }
    }
}
