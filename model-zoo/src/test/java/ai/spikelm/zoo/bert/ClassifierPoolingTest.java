package ai.spikelm.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.InvalidConfigException;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.SpikingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The head's pooling ({@code classifier_pooling}): [CLS] as BERT, or the mean of the real tokens. */
class ClassifierPoolingTest {

    private static final SpikingConfig T2 = SpikingConfig.builder().optTimeSteps(2).build();

    private static SpikeBertConfig classifierConfig(SpikingConfig spiking, Pooling pooling) {
        return TinyBert.config(spiking).toBuilder()
                .optId2label(Map.of(0, "a", 1, "b", 2, "c"))
                .optClassifierPooling(pooling)
                .build();
    }

    @Test
    void configWritesMeanPoolingAndReadsItBackWhileClsStaysTheUnwrittenDefault() {
        SpikeBertConfig cls = TinyBert.config(SpikingConfig.ANN);
        assertEquals(Pooling.CLS, cls.classifierPooling());
        assertFalse(cls.toJson().contains("classifier_pooling"), "a BERT config stays as Hugging Face writes it");
        SpikeBertConfig mean = cls.toBuilder().optClassifierPooling(Pooling.MEAN).build();
        assertTrue(mean.toJson().contains("\"classifier_pooling\" : \"mean\""), mean.toJson());
        assertEquals(Pooling.MEAN, SpikeBertConfig.parse(mean.toJson()).classifierPooling());
        assertEquals(mean, SpikeBertConfig.parse(mean.toJson()));

        String max = cls.toJson().replace("\"pad_token_id\"", "\"classifier_pooling\" : \"max\", \"pad_token_id\"");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SpikeBertConfig.parse(max));
        assertTrue(e.getMessage().contains("classifier_pooling") && e.getMessage().contains("cls, mean"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cls.toBuilder().optClassifierPooling(Pooling.MAX));
    }

    /** tanh(W·x + b) with W = [[0.5, 0], [0, −0.25]], b = [0, 0.1], on a 3-token sequence whose last token is padding. */
    @Test
    void poolerByHandOnClsAndOnTheMeanOfRealTokens() {
        for (Pooling pooling : List.of(Pooling.CLS, Pooling.MEAN)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeBertConfig config = SpikeBertConfig.builder()
                        .optVocabSize(8).optHiddenSize(2).optNumHiddenLayers(1).optNumAttentionHeads(1)
                        .optIntermediateSize(4).optClassifierPooling(pooling).build();
                BertPooler pooler = new BertPooler(config);
                pooler.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 2));
                Map<String, Parameter> params = HfWeights.parameters(pooler);
                params.get("dense.weight").getArray().set(new float[] {0.5f, 0f, 0f, -0.25f});
                params.get("dense.bias").getArray().set(new float[] {0f, 0.1f});
                NDList inputs = new NDList(
                        manager.create(new float[] {1, 2, 3, 4, 100, 100}, new Shape(1, 3, 2)),
                        manager.create(new long[][] {{1, 1, 0}}));
                float[] out = TinyBert.run(pooler, manager, inputs).singletonOrThrow().toFloatArray();
                // CLS reads [1, 2]: tanh([0.5, −0.5 + 0.1]); the mean reads (1+3)/2, (2+4)/2 = [2, 3]:
                // tanh([1, −0.75 + 0.1]). The padded [100, 100] must not count.
                float[] expected = pooling == Pooling.CLS
                        ? new float[] {(float) Math.tanh(0.5), (float) Math.tanh(-0.4)}
                        : new float[] {(float) Math.tanh(1.0), (float) Math.tanh(-0.65)};
                assertArrayEquals(expected, out, 1e-6f, pooling.toString());
            }
        }
    }

    @Test
    void meanPoolingHeadIgnoresPaddingAndDiffersFromCls() {
        for (SpikingConfig spiking : List.of(SpikingConfig.ANN, T2)) {
            try (NDManager manager = NDManager.newBaseManager()) {
                SpikeBertForSequenceClassification mean = new SpikeBertForSequenceClassification(classifierConfig(spiking, Pooling.MEAN));
                mean.initialize(manager);
                TinyBert.randomize(mean, 11);
                TinyBert.run(mean, manager, TinyBert.batch(manager)); // calibrates a spiking model
                long[][] ids = {{2, 17, 5}};
                float[] unpadded = TinyBert.run(mean, manager, new NDList(manager.create(ids), manager.create(new long[][] {{1, 1, 1}})))
                        .get(0).toFloatArray();
                float[] padded = TinyBert.run(mean, manager,
                                new NDList(manager.create(new long[][] {{2, 17, 5, 9, 9}}), manager.create(new long[][] {{1, 1, 1, 0, 0}})))
                        .get(0).toFloatArray();
                assertArrayEquals(unpadded, padded, 1e-5f, spiking + ": padding must not reach the mean");

                SpikeBertForSequenceClassification cls = new SpikeBertForSequenceClassification(classifierConfig(spiking, Pooling.CLS));
                cls.initialize(manager);
                HfWeights.parameters(mean).forEach((n, p) -> HfWeights.parameters(cls).get(n).getArray().set(p.getArray().toFloatArray()));
                HfWeights.spikingSites(mean).forEach((n, site) -> HfWeights.spikingSites(cls).get(n).setAmplitudes(site.getAmplitudes()));
                float[] byCls = TinyBert.run(cls, manager, new NDList(manager.create(ids), manager.create(new long[][] {{1, 1, 1}})))
                        .get(0).toFloatArray();
                assertFalse(java.util.Arrays.equals(byCls, unpadded), "same weights, another token read");
            }
        }
    }

    @Test
    void savedClassifierKeepsItsPoolingAndReproducesItsLogits(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertForSequenceClassification model = new SpikeBertForSequenceClassification(classifierConfig(T2, Pooling.MEAN));
            model.initialize(manager);
            TinyBert.randomize(model, 12);
            float[] before = TinyBert.run(model, manager, TinyBert.batch(manager)).get(0).toFloatArray();
            SpikeBertLoader.save(model, dir);
            assertTrue(Files.readString(dir.resolve("config.json")).contains("\"classifier_pooling\" : \"mean\""));

            SpikeBertPreTrainedModel loaded = SpikeBertLoader.builder().setModelDir(dir).build().load(manager);
            assertEquals(Pooling.MEAN, loaded.getConfig().classifierPooling());
            assertArrayEquals(before, TinyBert.run(loaded, manager, TinyBert.batch(manager)).get(0).toFloatArray(), 0f);

            SpikeBertPreTrainedModel asCls = SpikeBertLoader.builder().setModelDir(dir).optClassifierPooling(Pooling.CLS).build().load(manager);
            assertEquals(Pooling.CLS, asCls.getConfig().classifierPooling(), "an explicit pooling overrides the saved one");
            assertFalse(java.util.Arrays.equals(before, TinyBert.run(asCls, manager, TinyBert.batch(manager)).get(0).toFloatArray()));
        }
    }

    @Test
    void encoderWeightsAreTheEmbeddingsAndLayersNotThePoolerOrHead() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertForSequenceClassification classifier = new SpikeBertForSequenceClassification(classifierConfig(T2, Pooling.CLS));
            classifier.initialize(manager);
            assertTrue(classifier.isEncoderWeight("bert.embeddings.word_embeddings.weight"));
            assertTrue(classifier.isEncoderWeight("bert.encoder.layer.1.output.dense.weight"));
            assertFalse(classifier.isEncoderWeight("bert.pooler.dense.weight"));
            assertFalse(classifier.isEncoderWeight("classifier.weight"));
            assertFalse(classifier.isEncoderWeight("encoder.layer.1.output.dense.weight"), "a classifier's encoder is under bert.");
            long encoder = HfWeights.parameters(classifier).keySet().stream().filter(classifier::isEncoderWeight).count();
            assertEquals(HfWeights.parameters(classifier).size() - 4, encoder, "all but pooler and classifier weight and bias");
            SpikeBertModel bare = new SpikeBertModel(TinyBert.config(T2));
            assertTrue(bare.isEncoderWeight("encoder.layer.0.attention.self.query.weight"));
            assertFalse(bare.isEncoderWeight("pooler.dense.bias"));
        }
    }
}
