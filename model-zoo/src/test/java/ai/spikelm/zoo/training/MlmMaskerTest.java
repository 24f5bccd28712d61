package ai.spikelm.zoo.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** BERT masking proportions, labels and special tokens on a large seeded sample. */
class MlmMaskerTest {

    private static final int VOCAB = 50;
    private static final long PAD = 0;
    private static final long CLS = 1;
    private static final long SEP = 2;
    private static final long MASK = 3;
    private static final List<Long> SPECIAL = List.of(PAD, CLS, SEP, MASK);

    private static final MlmMasker MASKER =
            MlmMasker.builder().setVocabSize(VOCAB).setMaskTokenId(MASK).optSpecialTokenIds(SPECIAL).build();

    /** 400 rows of [CLS] words [SEP] padding, lengths 10..128, words from 4..49. */
    private static long[][][] sample() {
        Random random = new Random(7);
        long[][] ids = new long[400][128];
        long[][] mask = new long[400][128];
        for (int b = 0; b < ids.length; b++) {
            int length = 10 + random.nextInt(119);
            ids[b][0] = CLS;
            for (int l = 1; l < length - 1; l++) {
                ids[b][l] = 4 + random.nextInt(VOCAB - 4);
            }
            ids[b][length - 1] = SEP;
            Arrays.fill(mask[b], 0, length, 1);
        }
        return new long[][][] {ids, mask};
    }

    /** Counts eligible, selected, [MASK]ed, randomised and kept positions. */
    private static long[] counts(long[][] ids, long[][] attention, MlmMasker.Masked masked) {
        long eligible = 0;
        long selected = 0;
        long masks = 0;
        long changed = 0;
        long kept = 0;
        for (int b = 0; b < ids.length; b++) {
            for (int l = 0; l < ids[b].length; l++) {
                long original = ids[b][l];
                long label = masked.labels()[b][l];
                long seen = masked.inputIds()[b][l];
                boolean special = attention[b][l] == 0 || SPECIAL.contains(original);
                if (special) {
                    assertEquals(Losses.IGNORE_INDEX, label, "special or padding selected at " + b + "," + l);
                    assertEquals(original, seen);
                    continue;
                }
                eligible++;
                if (label == Losses.IGNORE_INDEX) {
                    assertEquals(original, seen, "an unselected token must not change");
                    continue;
                }
                assertEquals(original, label, "the label is the original token");
                selected++;
                if (seen == MASK) {
                    masks++;
                } else if (seen != original) {
                    assertFalse(SPECIAL.contains(seen), "random replacements are never special");
                    changed++;
                } else {
                    kept++;
                }
            }
        }
        return new long[] {eligible, selected, masks, changed, kept};
    }

    @Test
    void proportionsFollowBert() {
        long[][][] data = sample();
        MlmMasker.Masked masked = MASKER.mask(data[0], data[1], new Random(2024));
        long[] c = counts(data[0], data[1], masked);
        double selectRate = (double) c[1] / c[0];
        // n ≈ 25 000 eligible tokens: the standard error of the rate is about 0.0023.
        assertEquals(0.15, selectRate, 0.01, "selection rate");
        assertEquals(0.8, (double) c[2] / c[1], 0.025, "[MASK] share");
        // A random replacement equal to the original (1 in 46) is counted as kept.
        assertEquals(0.1, (double) c[3] / c[1], 0.02, "random share");
        assertEquals(0.1, (double) c[4] / c[1], 0.02, "kept share");
        assertEquals(c[1], masked.selectedCount());
    }

    @Test
    void sameSeedGivesTheSameExactCounts() {
        long[][][] data = sample();
        MlmMasker.Masked a = MASKER.mask(data[0], data[1], new Random(2024));
        MlmMasker.Masked b = MASKER.mask(data[0], data[1], new Random(2024));
        assertTrue(Arrays.deepEquals(a.inputIds(), b.inputIds()));
        assertTrue(Arrays.deepEquals(a.labels(), b.labels()));
        long[] counts = counts(data[0], data[1], a);
        // java.util.Random's generator is specified, so these numbers hold on every JVM.
        assertArrayEquals(new long[] {25_987, 3_896, 3_151, 379, 366}, counts, Arrays.toString(counts));
        MlmMasker.Masked other = MASKER.mask(data[0], data[1], new Random(2025));
        assertNotEquals(Arrays.deepToString(a.labels()), Arrays.deepToString(other.labels()));
    }

    @Test
    void inputIsNotModifiedAndNullMaskMeansAllReal() {
        long[][] ids = {{CLS, 10, 11, 12, SEP}};
        long[][] copy = {ids[0].clone()};
        MlmMasker everything =
                MlmMasker.builder()
                        .setVocabSize(VOCAB)
                        .setMaskTokenId(MASK)
                        .optSpecialTokenIds(SPECIAL)
                        .optSelectProbability(1)
                        .optReplacement(1, 0)
                        .build();
        MlmMasker.Masked masked = everything.mask(ids, null, new Random(1));
        assertArrayEquals(copy[0], ids[0]);
        assertArrayEquals(new long[] {CLS, MASK, MASK, MASK, SEP}, masked.inputIds()[0]);
        assertArrayEquals(new long[] {-100, 10, 11, 12, -100}, masked.labels()[0]);
    }

    @Test
    void rejectsBadSettingsAndIds() {
        assertThrows(IllegalArgumentException.class, () -> MlmMasker.builder().setVocabSize(VOCAB).build());
        assertThrows(IllegalArgumentException.class, () -> MlmMasker.builder().optReplacement(0.9, 0.2));
        assertThrows(
                IllegalArgumentException.class, () -> MASKER.mask(new long[][] {{VOCAB}}, null, new Random(1)));
    }
}
