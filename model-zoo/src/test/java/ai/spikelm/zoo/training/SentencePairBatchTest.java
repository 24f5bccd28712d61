package ai.spikelm.zoo.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.core.EncodedBatch;
import org.junit.jupiter.api.Test;

/** Sentence-pair batches for siamese models: first sentences, then second ones, one label per pair. */
class SentencePairBatchTest {

    private static final EncodedBatch FIRSTS = new EncodedBatch(
            new long[][] {{1, 7, 2}, {1, 2, 0}}, new long[][] {{1, 1, 1}, {1, 1, 0}}, new long[][] {{0, 0, 0}, {0, 0, 0}});
    private static final EncodedBatch SECONDS = new EncodedBatch(
            new long[][] {{1, 5, 6, 8, 2}, {1, 9, 2, 0, 0}}, new long[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}},
            new long[][] {{0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}});

    @Test
    void concatPadsBothHalvesToTheLongerLength() {
        EncodedBatch joined = EncodedBatch.concat(FIRSTS, SECONDS);
        assertArrayEquals(new long[][] {{1, 7, 2, 0, 0}, {1, 2, 0, 0, 0}, {1, 5, 6, 8, 2}, {1, 9, 2, 0, 0}}, joined.inputIds());
        assertArrayEquals(new long[][] {{1, 1, 1, 0, 0}, {1, 1, 0, 0, 0}, {1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}}, joined.attentionMask());
        assertEquals(3 + 2 + 5 + 3, joined.realTokens());
    }

    @Test
    void aPairBatchCountsPairsNotSequences() {
        TrainingBatch regression = TrainingBatch.sentencePairs(FIRSTS, SECONDS, null, new float[] {4.5f, 0.5f});
        assertEquals(2, regression.size());
        assertEquals(2, regression.sequencesPerExample());
        assertEquals(4, regression.inputs().inputIds().length);
        TrainingBatch classification = TrainingBatch.sentencePairs(FIRSTS, SECONDS, new long[] {1, 0}, null);
        assertArrayEquals(new long[] {1, 0}, classification.labels());

        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                () -> TrainingBatch.sentencePairs(FIRSTS, SECONDS, new long[] {1, 0, 1, 0}, null));
        assertTrue(labels.getMessage().contains("4 labels for 2 examples"), labels.getMessage());
        EncodedBatch one = new EncodedBatch(new long[][] {{1, 2}}, new long[][] {{1, 1}}, new long[][] {{0, 0}});
        IllegalArgumentException halves = assertThrows(IllegalArgumentException.class,
                () -> TrainingBatch.sentencePairs(FIRSTS, one, new long[] {1, 0}, null));
        assertTrue(halves.getMessage().contains("2 first sentences but 1 second"), halves.getMessage());
        assertEquals(3, TrainingBatch.classification(EncodedBatch.concat(FIRSTS, one), new long[] {0, 1, 1}).size());
    }
}
