package ai.spikelm.zoo.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.training.TrainingBatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusBatchesTest {

    private static final String WORDS =
            "the a river stone light house quickly under over bright evening small distant quiet "
                    + "mountain garden letter silver morning winter forgotten window across beneath";

    @TempDir static Path dir;
    private static Path tokenizerJson;
    private static HuggingFaceTokenizer tokenizer;
    private static TextCorpus corpus;

    @BeforeAll
    static void setUp() throws IOException {
        // all-MiniLM-L6-v2's tokenizer.json (bert-base-uncased WordPiece), from the LangChain4j jar.
        tokenizerJson = dir.resolve("tokenizer.json");
        try (InputStream in = CorpusBatchesTest.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            assertNotNull(in, "all-minilm-l6-v2-tokenizer.json is not on the test class path");
            Files.copy(in, tokenizerJson);
        }
        tokenizer = tokenizer(false);
        // Sentences of 1 to 40 words, one per paragraph, so passage lengths vary widely.
        String[] words = WORDS.split(" ");
        Random random = new Random(11);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            StringBuilder s = new StringBuilder("Line ").append(i);
            for (int w = random.nextInt(40); w >= 0; w--) {
                s.append(' ').append(words[random.nextInt(words.length)]);
            }
            texts.add(s.append('.').toString());
        }
        corpus = TextCorpus.builder().addTexts("generated", texts).optShuffleBuffer(100).build();
    }

    @AfterAll
    static void tearDown() {
        tokenizer.close();
    }

    @Test
    void batchesPadToTheirLongestAndPoolingWastesLess() {
        double[] waste = new double[2];
        int[] pools = {1, 16};
        for (int k = 0; k < 2; k++) {
            CorpusBatches source = batches(pools[k]).build();
            long padded = 0;
            long real = 0;
            for (TrainingBatch b : source.epoch(0, null)) {
                EncodedBatch in = b.inputs();
                int longest = 0;
                for (long[] row : in.attentionMask()) {
                    longest = Math.max(longest, (int) Arrays.stream(row).sum());
                }
                assertEquals(8, b.size());
                assertEquals(longest, in.inputIds()[0].length, "batch padded beyond its longest passage");
                assertTrue(longest <= 32);
                padded += (long) in.inputIds().length * in.inputIds()[0].length;
                real += in.realTokens();
            }
            waste[k] = 1 - (double) real / padded;
        }
        System.out.printf("padding share: unsorted %.3f, pool of 16 batches %.3f%n", waste[0], waste[1]);
        assertTrue(waste[1] < waste[0] / 3, Arrays.toString(waste));
    }

    @Test
    void anEpochIsTheSameReachedInOrderOrDirectly() {
        CorpusBatches sequential = batches(4).build();
        List<List<long[][]>> epochs = new ArrayList<>();
        for (int e = 0; e < 4; e++) {
            epochs.add(ids(sequential, e));
        }
        assertEquals(5, epochs.get(3).size());
        assertIdsEqual(epochs.get(3), ids(batches(4).build(), 3));
        // Going back restarts the stream; the epoch is the same again.
        assertIdsEqual(epochs.get(0), ids(sequential, 0));
        // Epochs continue the stream, they do not replay it.
        assertFalse(Arrays.deepEquals(epochs.get(0).get(0), epochs.get(1).get(0)));
        // The trainer's random is ignored.
        assertIdsEqual(epochs.get(2), sequentialEpoch(2, new Random(99)));
    }

    @Test
    void maxBatchesCapsTheRun() {
        CorpusBatches capped = batches(4).optMaxBatches(12).build();
        assertEquals(5, capped.batchesPerEpoch());
        int[] sizes = new int[4];
        for (int e = 0; e < 4; e++) {
            sizes[e] = ids(capped, e).size();
        }
        assertArrayEquals(new int[] {5, 5, 2, 0}, sizes);
        // The capped epoch is a prefix of the uncapped one.
        assertIdsEqual(ids(batches(4).build(), 2).subList(0, 2), ids(capped, 2));
    }

    @Test
    void aPaddingTokenizerIsRefused() throws IOException {
        try (HuggingFaceTokenizer padding = tokenizer(true)) {
            CorpusBatches source =
                    CorpusBatches.builder().setCorpus(corpus).setTokenizer(padding).setBatchSize(4).setBatchesPerEpoch(1).build();
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> source.epoch(0, null).iterator().next());
            assertTrue(e.getMessage().contains("optPadding(false)"), e.getMessage());
        }
    }

    private static List<long[][]> sequentialEpoch(int epoch, Random random) {
        CorpusBatches source = batches(4).build();
        for (int e = 0; e < epoch; e++) {
            source.epoch(e, random).forEach(b -> {});
        }
        List<long[][]> out = new ArrayList<>();
        source.epoch(epoch, random).forEach(b -> out.add(b.inputs().inputIds()));
        return out;
    }

    private static CorpusBatches.Builder batches(int pool) {
        return CorpusBatches.builder()
                .setCorpus(corpus)
                .setTokenizer(tokenizer)
                .setBatchSize(8)
                .setBatchesPerEpoch(5)
                .optLengthPool(pool)
                .optSeed(3);
    }

    private static List<long[][]> ids(CorpusBatches source, int epoch) {
        List<long[][]> out = new ArrayList<>();
        source.epoch(epoch, new Random(epoch)).forEach(b -> out.add(b.inputs().inputIds()));
        return out;
    }

    private static void assertIdsEqual(List<long[][]> expected, List<long[][]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(Arrays.deepEquals(expected.get(i), actual.get(i)), "batch " + i + " differs");
        }
    }

    private static HuggingFaceTokenizer tokenizer(boolean padding) throws IOException {
        return HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optTruncation(true)
                .optMaxLength(32)
                .optPadding(padding)
                .build();
    }
}
