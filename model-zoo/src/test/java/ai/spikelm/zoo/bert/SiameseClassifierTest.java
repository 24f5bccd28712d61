package ai.spikelm.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.SpikingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The siamese (bi-encoder) sentence-pair head ({@code pair_encoding = siamese}) against a reference
 * computed in Java from the bare encoder's vectors of each sentence alone.
 */
class SiameseClassifierTest {

    private static final SpikingConfig T2 = SpikingConfig.builder().optTimeSteps(2).build();

    /** Two pairs: (a0, b0) and (a1, b1), of different lengths so that padding is exercised. */
    private static final long[][] FIRSTS = {{2, 17, 5, 33}, {2, 9, 31}};
    private static final long[][] SECONDS = {{2, 12}, {2, 7, 7, 21, 3}};

    private static SpikeBertConfig config(SpikingConfig spiking, boolean regression) {
        SpikeBertConfig.Builder b = TinyBert.config(spiking).toBuilder()
                .optPairEncoding(PairEncoding.SIAMESE)
                .optClassifierPooling(Pooling.MEAN);
        return regression
                ? b.optId2label(Map.of(0, "score")).optProblemType("regression").build()
                : b.optId2label(Map.of(0, "no", 1, "yes")).build();
    }

    private static EncodedBatch rows(long[][] ids) {
        int width = 0;
        for (long[] r : ids) {
            width = Math.max(width, r.length);
        }
        long[][] padded = new long[ids.length][width];
        long[][] mask = new long[ids.length][width];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(ids[i], 0, padded[i], 0, ids[i].length);
            java.util.Arrays.fill(mask[i], 0, ids[i].length, 1);
        }
        return new EncodedBatch(padded, mask, new long[ids.length][width]);
    }

    private static NDList pairs(NDManager manager) {
        return EncodedBatch.concat(rows(FIRSTS), rows(SECONDS)).toNDList(manager);
    }

    /** The mean of the bare encoder's last hidden states over one unpadded sentence. */
    private static double[] sentenceVector(SpikeBertModel encoder, NDManager manager, long[] ids) {
        float[] hidden = TinyBert.run(encoder, manager, rows(new long[][] {ids}).toNDList(manager)).get(0).toFloatArray();
        int d = encoder.getConfig().hiddenSize();
        double[] mean = new double[d];
        for (int t = 0; t < ids.length; t++) {
            for (int j = 0; j < d; j++) {
                mean[j] += hidden[t * d + j] / ids.length;
            }
        }
        return mean;
    }

    /** A bare encoder with the classifier's encoder weights and amplitudes. */
    private static SpikeBertModel encoderOf(SpikeBertForSequenceClassification model, NDManager manager) {
        SpikeBertModel encoder = new SpikeBertModel(model.getConfig(), false);
        encoder.initialize(manager);
        encoder.loadEncoderFrom(model);
        return encoder;
    }

    private static double cosine(double[] u, double[] v) {
        double dot = 0, uu = 0, vv = 0;
        for (int i = 0; i < u.length; i++) {
            dot += u[i] * v[i];
            uu += u[i] * u[i];
            vv += v[i] * v[i];
        }
        return dot / Math.sqrt(uu * vv);
    }

    @Test
    void regressionIsTheAffineMapOfTheCosineOfEachSentenceEncodedAlone() {
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T2)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeBertForSequenceClassification model = new SpikeBertForSequenceClassification(config(spiking, true));
                model.initialize(manager);
                TinyBert.randomize(model, 21);
                ai.spikelm.zoo.core.TestModels.fixAmplitudes(model, 22);
                assertFalse(model.getBert().hasPooler(), "a bi-encoder reads u and v without a pooler");
                assertEquals(new Shape(1, 1), HfWeights.parameters(model).get("classifier.weight").getArray().getShape());
                model.setSimilarityMap(2f, 1f);
                float[] scores = TinyBert.run(model, manager, pairs(manager)).get(0).toFloatArray();

                SpikeBertModel encoder = encoderOf(model, manager);
                for (int i = 0; i < 2; i++) {
                    double cos = cosine(sentenceVector(encoder, manager, FIRSTS[i]), sentenceVector(encoder, manager, SECONDS[i]));
                    assertEquals(2 * cos + 1, scores[i], 1e-4, spiking + " pair " + i);
                }
            }
        }
    }

    @Test
    void classificationReadsUVTheirDistanceAndProduct() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertForSequenceClassification model = new SpikeBertForSequenceClassification(config(T2, false));
            model.initialize(manager);
            TinyBert.randomize(model, 23);
            ai.spikelm.zoo.core.TestModels.fixAmplitudes(model, 24);
            float[] logits = TinyBert.run(model, manager, pairs(manager)).get(0).toFloatArray();
            assertEquals(4, logits.length, "two pairs, two labels");

            int d = model.getConfig().hiddenSize();
            float[] w = HfWeights.parameters(model).get("classifier.weight").getArray().toFloatArray(); // [2, 4d]
            float[] bias = HfWeights.parameters(model).get("classifier.bias").getArray().toFloatArray();
            assertEquals(2 * 4 * d, w.length);
            SpikeBertModel encoder = encoderOf(model, manager);
            for (int i = 0; i < 2; i++) {
                double[] u = sentenceVector(encoder, manager, FIRSTS[i]);
                double[] v = sentenceVector(encoder, manager, SECONDS[i]);
                double[] f = new double[4 * d];
                for (int j = 0; j < d; j++) {
                    f[j] = u[j];
                    f[d + j] = v[j];
                    f[2 * d + j] = Math.abs(u[j] - v[j]);
                    f[3 * d + j] = u[j] * v[j];
                }
                for (int c = 0; c < 2; c++) {
                    double expected = bias[c];
                    for (int j = 0; j < 4 * d; j++) {
                        expected += w[c * 4 * d + j] * f[j];
                    }
                    assertEquals(expected, logits[i * 2 + c], 1e-4, "pair " + i + " label " + c);
                }
            }
        }
    }

    @Test
    void anOddNumberOfSequencesIsAClearErrorAndTheSimilarityMapNeedsARegressor() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertForSequenceClassification model = new SpikeBertForSequenceClassification(config(SpikingConfig.ANN, false));
            model.initialize(manager);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TinyBert.run(model, manager, rows(new long[][] {FIRSTS[0]}).toNDList(manager)));
            assertTrue(e.getMessage().contains("even number of sequences; got 1"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> model.setSimilarityMap(1f, 0f));
        }
    }

    @Test
    void savedSiameseClassifierKeepsItsEncodingAndReproducesItsScores(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertForSequenceClassification model = new SpikeBertForSequenceClassification(config(T2, true));
            model.initialize(manager);
            TinyBert.randomize(model, 25);
            TinyBert.run(model, manager, pairs(manager)); // calibrates
            float[] before = TinyBert.run(model, manager, pairs(manager)).get(0).toFloatArray();
            SpikeBertLoader.save(model, dir);
            String json = Files.readString(dir.resolve("config.json"));
            assertTrue(json.contains("\"pair_encoding\" : \"siamese\"") && json.contains("\"classifier_pooling\" : \"mean\""), json);
            SpikeBertPreTrainedModel loaded = SpikeBertLoader.builder().setModelDir(dir).build().load(manager);
            assertEquals(PairEncoding.SIAMESE, loaded.getConfig().pairEncoding());
            assertArrayEquals(before, TinyBert.run(loaded, manager, pairs(manager)).get(0).toFloatArray(), 0f);
        }
    }

    @Test
    void pairEncodingIsWrittenOnlyWhenSiameseAndUnknownValuesAreRefused() {
        SpikeBertConfig cross = TinyBert.config(SpikingConfig.ANN);
        assertEquals(PairEncoding.CROSS, cross.pairEncoding());
        assertFalse(cross.toJson().contains("pair_encoding"));
        String bad = cross.toJson().replace("\"pad_token_id\"", "\"pair_encoding\" : \"twin\", \"pad_token_id\"");
        Exception e = assertThrows(RuntimeException.class, () -> SpikeBertConfig.parse(bad));
        assertTrue(e.getMessage().contains("pair_encoding") && e.getMessage().contains("cross, siamese"), e.getMessage());
        assertEquals(PairEncoding.SIAMESE, PairEncoding.of("Siamese"));
        assertThrows(IllegalArgumentException.class, () -> PairEncoding.of("twin"));
    }
}
