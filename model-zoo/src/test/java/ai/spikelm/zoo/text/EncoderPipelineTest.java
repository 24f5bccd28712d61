package ai.spikelm.zoo.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.spikelm.zoo.bert.SpikeBertModel;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.SpikingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder pipeline on a tiny random encoder with the real all-MiniLM-L6-v2 tokenizer, against
 * independent computations: Hugging Face's own truncation, each window run alone and mean-pooled in
 * Java, and streaming that never reads more than one chunk ahead.
 */
class EncoderPipelineTest {

    private static final String LONG =
            "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want"
                    + " of a wife. However little known the feelings or views of such a man may be on his first entering a"
                    + " neighbourhood, this truth is so well fixed in the minds of the surrounding families.";
    private static final int WINDOW = 16;
    private static final long CLS = 101;
    private static final long SEP = 102;

    @TempDir static Path dir;
    static Path tokenizerFile;

    @BeforeAll
    static void tokenizer() throws IOException {
        tokenizerFile = TinyWordPieceEncoder.tokenizer(dir.resolve("tokenizer.json"));
    }

    private static EncoderPipeline.Builder pipeline(SpikeBertModel model) {
        return EncoderPipeline.builder().setModel(model).setTokenizer(tokenizerFile).optMaxLength(WINDOW);
    }

    private static long[] contentIds(String text) throws IOException {
        try (HuggingFaceTokenizer plain =
                HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerFile).optTruncation(false).optPadding(false).build()) {
            return plain.encode(text, false, false).getIds();
        }
    }

    /** The mean of the model's token vectors for one sequence run alone, in double, not normalised. */
    private static double[] meanAlone(SpikeBertModel model, long[] ids) {
        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] mask = new long[1][ids.length];
            Arrays.fill(mask[0], 1);
            NDList inputs = new NDList(manager.create(new long[][] {ids}), manager.create(mask), manager.create(new long[1][ids.length]));
            float[] hidden = model.forward(new ParameterStore(manager, false), inputs, false).get(0).toFloatArray();
            int dim = hidden.length / ids.length;
            double[] mean = new double[dim];
            for (int t = 0; t < ids.length; t++) {
                for (int k = 0; k < dim; k++) {
                    mean[k] += hidden[t * dim + k] / ids.length;
                }
            }
            return mean;
        }
    }

    private static long[] withSpecials(long[] content, int from, int to) {
        long[] out = new long[to - from + 2];
        out[0] = CLS;
        System.arraycopy(content, from, out, 1, to - from);
        out[out.length - 1] = SEP;
        return out;
    }

    @Test
    void truncationKeepsWhatTheTokenizersOwnTruncationKeeps() throws IOException {
        try (EncoderTokenizer tokenizer = EncoderTokenizer.builder().setTokenizer(tokenizerFile).optMaxLength(WINDOW).build();
                HuggingFaceTokenizer hf =
                        HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerFile).optTruncation(true).optMaxLength(WINDOW).build()) {
            TokenizedTexts t = tokenizer.encode(List.of("A short text.", LONG));
            assertEquals(2, t.rowCount(), "one row per text");
            assertArrayEquals(hf.encode("A short text.").getIds(), t.batch(new int[] {0}).inputIds()[0]);
            assertArrayEquals(hf.encode(LONG).getIds(), t.batch(new int[] {1}).inputIds()[0]);
            assertEquals(hf.encode("A short text.").getIds().length, t.tokens(0));
            assertEquals(WINDOW, t.tokens(1));
        }
    }

    @Test
    void windowsCoverEveryTokenOnceBetweenTheSpecialTokens() throws IOException {
        long[] content = contentIds(LONG);
        assertTrue(content.length > 3 * (WINDOW - 2), "the text spans several windows: " + content.length);
        try (EncoderTokenizer tokenizer =
                EncoderTokenizer.builder()
                        .setTokenizer(tokenizerFile)
                        .optMaxLength(WINDOW)
                        .optLongInputPolicy(LongInputPolicy.AVERAGE_WINDOWS)
                        .build()) {
            TokenizedTexts t = tokenizer.encode(List.of(LONG, "Short."));
            int windows = (content.length + WINDOW - 3) / (WINDOW - 2);
            assertEquals(windows + 1, t.rowCount());
            List<Long> joined = new ArrayList<>();
            long total = 0;
            for (int row = 0; row < windows; row++) {
                assertEquals(0, t.owner(row));
                long[] ids = t.batch(new int[] {row}).inputIds()[0];
                long[] mask = t.batch(new int[] {row}).attentionMask()[0];
                int length = (int) Arrays.stream(mask).sum();
                assertTrue(length <= WINDOW);
                assertEquals(CLS, ids[0]);
                assertEquals(SEP, ids[length - 1]);
                for (int i = 1; i < length - 1; i++) {
                    joined.add(ids[i]);
                }
                total += length;
            }
            assertArrayEquals(content, joined.stream().mapToLong(Long::longValue).toArray());
            assertEquals(total, t.tokens(0), "every window's tokens, special tokens included");
            assertEquals(content.length + 2L * windows, t.tokens(0));
            assertEquals(1, t.owner(windows));
        }
    }

    @Test
    void averagedWindowsAreTheNormalisedMeanOfEachWindowAlone() throws IOException {
        long[] content = contentIds(LONG);
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = TinyWordPieceEncoder.create(manager, SpikingConfig.ANN, 3);
            double[] expected = new double[16];
            int windows = 0;
            for (int from = 0; from < content.length; from += WINDOW - 2) {
                double[] w = meanAlone(model, withSpecials(content, from, Math.min(content.length, from + WINDOW - 2)));
                for (int k = 0; k < w.length; k++) {
                    expected[k] += w[k];
                }
                windows++;
            }
            double norm = Math.sqrt(Arrays.stream(expected).map(v -> v * v).sum());
            try (EncoderPipeline p = pipeline(model).optLongInputPolicy(LongInputPolicy.AVERAGE_WINDOWS).optBatchSize(2).build()) {
                TextEmbedding e = p.embed(List.of(LONG)).get(0);
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(expected[k] / norm, e.vector()[k], 1e-5, "dimension " + k);
                }
                assertEquals(content.length + 2 * windows, e.tokens());
            }
        }
    }

    @Test
    void withoutNormalisationTheVectorIsThePooledMean() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = TinyWordPieceEncoder.create(manager, SpikingConfig.ANN, 4);
            String text = "A man is playing a guitar.";
            try (EncoderPipeline raw = pipeline(model).optNormalize(false).build();
                    EncoderPipeline unit = pipeline(model).build()) {
                float[] r = raw.embed(List.of(text)).get(0).vector();
                float[] u = unit.embed(List.of(text)).get(0).vector();
                long[] content = contentIds(text);
                double[] mean = meanAlone(model, withSpecials(content, 0, content.length));
                double norm = Math.sqrt(Arrays.stream(mean).map(v -> v * v).sum());
                for (int k = 0; k < r.length; k++) {
                    assertEquals(mean[k], r[k], 1e-5, "raw " + k);
                    assertEquals(mean[k] / norm, u[k], 1e-5, "unit " + k);
                }
            }
        }
    }

    @Test
    void rejectNamesTheTextAndItsLength() throws IOException {
        try (EncoderTokenizer tokenizer =
                EncoderTokenizer.builder().setTokenizer(tokenizerFile).optMaxLength(WINDOW).optLongInputPolicy(LongInputPolicy.REJECT).build()) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> tokenizer.encode(List.of("Fine.", LONG), 40));
            assertTrue(e.getMessage().startsWith("Text 41 has " + (contentIds(LONG).length + 2) + " tokens, more than maxLength 16"),
                    e.getMessage());
        }
    }

    @Test
    void streamingReadsAtMostOneChunkAheadAndKeepsTheInputOrder() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            texts.add("Sentence number " + i + (i % 3 == 0 ? " is a little longer than the others, by a few words." : "."));
        }
        int batch = 3;
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = TinyWordPieceEncoder.create(manager, SpikingConfig.ANN, 5);
            List<int[]> batches = new ArrayList<>();
            int[] read = {0};
            int[] lead = {0};
            List<TextEmbedding> streamed = new ArrayList<>();
            try (EncoderPipeline p =
                    pipeline(model)
                            .optBatchSize(batch)
                            .optBatchListener((index, b) -> batches.add(new int[] {index, b.inputIds().length, b.inputIds()[0].length}))
                            .build()) {
                Iterator<String> source = texts.iterator();
                long count = p.embed(new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return source.hasNext();
                    }

                    @Override
                    public String next() {
                        read[0]++;
                        lead[0] = Math.max(lead[0], read[0] - streamed.size());
                        return source.next();
                    }
                }, streamed::add);
                assertEquals(100, count);
            }
            int chunk = batch * EncoderPipeline.SORT_BATCHES;
            assertEquals(chunk, lead[0], "at most one chunk of texts is held");
            assertEquals(34, batches.size(), "48 + 48 + 4 texts in batches of 3");
            for (int i = 0; i < batches.size(); i++) {
                assertEquals(i, batches.get(i)[0]);
            }
            for (int i = 1; i < 16; i++) {
                assertTrue(batches.get(i)[2] <= batches.get(i - 1)[2], "longest first within a chunk");
            }
            try (EncoderPipeline single = pipeline(model).optBatchSize(1).build()) {
                for (int i = 0; i < texts.size(); i += 7) {
                    TextEmbedding alone = single.embed(List.of(texts.get(i))).get(0);
                    assertArrayEquals(alone.vector(), streamed.get(i).vector(), 1e-5f, "text " + i);
                    assertEquals(alone.tokens(), streamed.get(i).tokens());
                }
            }
        }
    }

    @Test
    void longRowsGoFewerToAPassWithinTheTokenBudgetAndGiveTheSameVectors() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            texts.add(i % 4 == 0 ? LONG : "Short text " + i + ".");
        }
        int budget = 40; // rows × padded length: 2 windows of 16, or 5 rows of up to 8 tokens
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = TinyWordPieceEncoder.create(manager, SpikingConfig.ANN, 8);
            List<int[]> shapes = new ArrayList<>();
            List<TextEmbedding> budgeted;
            try (EncoderPipeline p =
                    pipeline(model)
                            .optBatchSize(32)
                            .optMaxBatchTokens(budget)
                            .optBatchListener((index, b) -> shapes.add(new int[] {b.inputIds().length, b.inputIds()[0].length}))
                            .build()) {
                budgeted = p.embed(texts);
            }
            assertEquals(WINDOW, shapes.get(0)[1], "the longest rows come first");
            int rows = 0;
            for (int[] shape : shapes) {
                assertTrue(shape[0] == 1 || shape[0] * shape[1] <= budget, shape[0] + " rows of " + shape[1]);
                rows += shape[0];
            }
            assertEquals(12, rows, "every text once (truncated to one window)");
            assertTrue(shapes.size() > 2, "split into several passes, not one of 32 rows: " + shapes.size());
            try (EncoderPipeline unbounded = pipeline(model).optBatchSize(32).optMaxBatchTokens(Integer.MAX_VALUE).build()) {
                List<TextEmbedding> whole = unbounded.embed(texts);
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(whole.get(i).vector(), budgeted.get(i).vector(), 1e-5f, "text " + i);
                }
            }
            try (EncoderPipeline one = pipeline(model).optMaxBatchTokens(1).build()) {
                assertEquals(12, one.embed(texts).size(), "a budget below one row still runs one row at a time");
            }
            IllegalArgumentException bad =
                    assertThrows(IllegalArgumentException.class, () -> pipeline(model).optMaxBatchTokens(0).build());
            assertTrue(bad.getMessage().contains("maxBatchTokens"), bad.getMessage());
        }
    }

    @Test
    void anUncalibratedModelIsCalibratedOnTheSampleWhenThePipelineIsBuilt() throws IOException {
        SpikingConfig t2 = SpikingConfig.builder().optTimeSteps(2).build();
        String a = "The train to the city was delayed by twenty minutes.";
        String b = "Cats, dogs and the price of coffee in a long and rainy spring.";
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel first = TinyWordPieceEncoder.create(manager, t2, 6);
            SpikeBertModel second = TinyWordPieceEncoder.create(manager, t2, 6);
            SpikeBertModel direct = TinyWordPieceEncoder.create(manager, t2, 6);
            assertTrue(Calibration.needed(first));
            float[] aFirst;
            float[] aSecond;
            try (EncoderPipeline p = pipeline(first).build()) {
                assertFalse(Calibration.needed(first), "calibrated before the first text");
                aFirst = p.embed(List.of(a, b)).get(0).vector();
            }
            try (EncoderPipeline p = pipeline(second).build()) {
                p.embed(List.of(b));
                aSecond = p.embed(List.of(b, a)).get(1).vector();
            }
            assertArrayEquals(aFirst, aSecond, 0f, "same vector whatever came first");
            Map<String, float[]> alphas =
                    Calibration.calibrate(direct, tokenizerFile, TinyWordPieceEncoder.POSITIONS, CalibrationSet.sample());
            alphas.forEach((site, alpha) ->
                    assertArrayEquals(alpha, HfWeights.spikingSites(first).get(site).getAmplitudes(), 0f, site));
        }
    }

    @Test
    void optionsAndInputsAreChecked() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = TinyWordPieceEncoder.create(manager, SpikingConfig.ANN, 7);
            assertThrows(IllegalArgumentException.class, () -> EncoderPipeline.builder().setModel(model).build());
            IllegalArgumentException batch =
                    assertThrows(IllegalArgumentException.class, () -> pipeline(model).optBatchSize(0).build());
            assertTrue(batch.getMessage().contains("batchSize"), batch.getMessage());
            IllegalArgumentException window =
                    assertThrows(IllegalArgumentException.class, () -> pipeline(model).optMaxLength(65).build());
            assertTrue(window.getMessage().contains("exceeds the model's 64 positions"), window.getMessage());
            try (EncoderPipeline p = pipeline(model).build()) {
                IllegalArgumentException blank = assertThrows(IllegalArgumentException.class, () -> p.embed(List.of("fine", " ")));
                assertEquals("Text 1 is empty", blank.getMessage());
                assertEquals(0, p.embed(List.of()).size());
                assertEquals(16, p.dimension());
            }
        }
    }

    @Test
    void pairsAreTruncatedLongestFirstOrRefused() throws IOException {
        ai.djl.util.StringPair pair = new ai.djl.util.StringPair("Who wants a wife?", LONG);
        try (EncoderTokenizer truncate = EncoderTokenizer.builder().setTokenizer(tokenizerFile).optMaxLength(WINDOW).build();
                EncoderTokenizer reject =
                        EncoderTokenizer.builder().setTokenizer(tokenizerFile).optMaxLength(WINDOW).optLongInputPolicy(LongInputPolicy.REJECT).build();
                EncoderTokenizer windows =
                        EncoderTokenizer.builder().setTokenizer(tokenizerFile).optMaxLength(WINDOW).optLongInputPolicy(LongInputPolicy.AVERAGE_WINDOWS).build();
                HuggingFaceTokenizer hf =
                        HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerFile).optTruncation(true).optMaxLength(WINDOW).build()) {
            TokenizedTexts t = truncate.encodePairs(List.of(pair));
            assertArrayEquals(hf.encode(pair.getKey(), pair.getValue()).getIds(), t.batch().inputIds()[0]);
            assertEquals(WINDOW, t.tokens(0));
            assertThrows(IllegalArgumentException.class, () -> reject.encodePairs(List.of(pair)));
            assertThrows(IllegalArgumentException.class, () -> windows.encodePairs(List.of(pair)));
        }
    }

    @Test
    void requestsTokenisedApartAndJoinedGiveTheVectorsOfEachAlone() throws IOException {
        List<String> first = List.of("A man is playing a guitar.", LONG);
        List<String> second = List.of("Someone strums a guitar.");
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = TinyWordPieceEncoder.create(manager, SpikingConfig.ANN, 9);
            try (EncoderPipeline p = pipeline(model).optLongInputPolicy(LongInputPolicy.AVERAGE_WINDOWS).optBatchSize(4).build()) {
                TokenizedTexts a = p.tokenizer().encode(first);
                TokenizedTexts b = p.tokenizer().encode(second);
                TokenizedTexts joined = TokenizedTexts.concat(List.of(a, b));
                assertEquals(3, joined.textCount());
                assertEquals(a.rowCount() + b.rowCount(), joined.rowCount());
                assertEquals(a.totalTokens() + b.totalTokens(), joined.totalTokens());
                assertEquals(b.tokens(0), joined.tokens(2));
                assertEquals(2, joined.owner(joined.rowCount() - 1), "the second request's row belongs to its text");
                List<TextEmbedding> together = p.embed(joined);
                List<TextEmbedding> alone = new ArrayList<>(p.embed(first));
                alone.addAll(p.embed(second));
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(alone.get(i).vector(), together.get(i).vector(), 1e-5f, "text " + i);
                    assertEquals(alone.get(i).tokens(), together.get(i).tokens());
                }
                assertEquals(List.of(), p.embed(TokenizedTexts.concat(List.of(p.tokenizer().encode(List.of())))));
            }
        }
    }

    @Test
    void combineAveragesWindowsThenNormalisesOnce() {
        TokenizedTexts t = new TokenizedTexts(new long[][] {{1}, {2}, {3}}, new long[3][1], new int[] {0, 0, 1}, 2);
        float[][] rows = {{1, 0}, {3, 4}, {0, 2}};
        float[][] raw = t.combine(rows, false);
        assertArrayEquals(new float[] {2, 2}, raw[0], 1e-7f);
        assertArrayEquals(new float[] {0, 2}, raw[1], 1e-7f);
        float[][] unit = t.combine(rows, true);
        assertArrayEquals(new float[] {(float) Math.sqrt(0.5), (float) Math.sqrt(0.5)}, unit[0], 1e-7f);
        assertArrayEquals(new float[] {0, 1}, unit[1], 1e-7f);
        assertEquals(2, t.tokens(0));
        assertEquals(3, t.totalTokens());
    }
}
