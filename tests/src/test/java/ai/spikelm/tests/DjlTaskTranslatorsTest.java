package ai.spikelm.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.TranslateException;
import ai.djl.util.PairList;
import ai.djl.util.StringPair;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertForMaskedLM;
import ai.spikelm.zoo.bert.SpikeBertForSequenceClassification;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.djl.SpikeLmTranslatorFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task translators on small random SpikeLM models with the real WordPiece tokenizer. */
class DjlTaskTranslatorsTest {

    private static SpikeBertConfig.Builder tiny() {
        return SpikeBertConfig.builder()
                .optHiddenSize(32)
                .optNumHiddenLayers(2)
                .optNumAttentionHeads(4)
                .optIntermediateSize(64)
                .optMaxPositionEmbeddings(64)
                .optSpiking(SpikingConfig.builder().optTimeSteps(2).build());
    }

    private static Path save(SpikeBertPreTrainedModel model, NDManager manager, Path dir) throws Exception {
        model.initialize(manager);
        SpikeBertLoader.save(model, dir); // uncalibrated: calibrates on its first batch when loaded
        Files.copy(MiniLm.tokenizer(), dir.resolve("tokenizer.json"));
        return dir;
    }

    private static <I, O> Criteria<I, O> criteria(Class<I> in, Class<O> out, Path dir) {
        return Criteria.builder()
                .setTypes(in, out)
                .optModelPath(dir)
                .optTranslatorFactory(new SpikeLmTranslatorFactory())
                .optArgument("topK", 3)
                .build();
    }

    @Test
    void classificationUsesId2labelAndSoftmax(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertConfig config = tiny().optId2label(Map.of(0, "neg", 1, "pos", 2, "neutral")).build();
            save(new SpikeBertForSequenceClassification(config), manager, dir);
        }
        try (ZooModel<String, Classifications> zoo = criteria(String.class, Classifications.class, dir).loadModel();
                Predictor<String, Classifications> p = zoo.newPredictor()) {
            Classifications c = p.predict("What a wonderful day.");
            assertEquals(3, c.items().size());
            assertTrue(List.of("neg", "pos", "neutral").containsAll(c.getClassNames()));
            double sum = c.getProbabilities().stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(1.0, sum, 1e-5);
            assertTrue(c.best().getProbability() >= c.items().get(2).getProbability());
        }
    }

    @Test
    void regressionAndCrossEncoderReturnTheRawOutput(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            save(new SpikeBertForSequenceClassification(tiny().optProblemType("regression").build()), manager, dir);
        }
        StringPair pair = new StringPair("Who wrote Emma?", "Jane Austen wrote Emma in 1815.");
        try (ZooModel<StringPair, float[]> zoo = criteria(StringPair.class, float[].class, dir).loadModel();
                Predictor<StringPair, float[]> scorer = zoo.newPredictor();
                NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(MiniLm.tokenizer())) {
            float[] score = scorer.predict(pair);
            assertEquals(1, score.length);
            PairList<String, String> pairs = new PairList<>();
            pairs.add(pair.getKey(), pair.getValue());
            EncodedBatch batch = EncodedBatch.of(tokenizer.batchEncode(pairs));
            float direct =
                    zoo.getBlock().forward(new ParameterStore(manager, false), batch.toNDList(manager), false).get(0).getFloat(0);
            assertEquals(direct, score[0], 1e-5f, "the score is the model's output for the encoded pair");
        }
        try (ZooModel<String, Classifications> zoo = criteria(String.class, Classifications.class, dir).loadModel();
                Predictor<String, Classifications> p = zoo.newPredictor()) {
            Classifications c = p.predict("A sentence to score.");
            assertEquals(List.of("score"), c.getClassNames());
        }
    }

    @Test
    void fillMaskReturnsTopKTokens(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            save(new SpikeBertForMaskedLM(tiny().build()), manager, dir);
        }
        try (ZooModel<String, Classifications> zoo = criteria(String.class, Classifications.class, dir).loadModel();
                Predictor<String, Classifications> p = zoo.newPredictor()) {
            Classifications c = p.predict("The capital of France is [MASK].");
            assertEquals(3, c.items().size());
            List<Double> probs = c.getProbabilities();
            assertTrue(probs.get(0) >= probs.get(1) && probs.get(1) >= probs.get(2), probs.toString());
            TranslateException none = assertThrows(TranslateException.class, () -> p.predict("No mask here."));
            assertTrue(none.getCause().getMessage().contains("exactly one [MASK]"), none.getCause().getMessage());
        }
        try (ZooModel<String, float[]> zoo = criteria(String.class, float[].class, dir).loadModel();
                Predictor<String, float[]> p = zoo.newPredictor()) {
            TranslateException wrong = assertThrows(TranslateException.class, () -> p.predict("Embed me."));
            assertTrue(wrong.getCause().getMessage().contains("architecture"), wrong.getCause().getMessage());
        }
    }
}
