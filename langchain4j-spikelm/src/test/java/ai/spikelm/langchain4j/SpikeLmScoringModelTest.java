package ai.spikelm.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertForSequenceClassification;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.core.EncodedBatch;
import dev.langchain4j.data.segment.TextSegment;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scoring model returns the cross-encoder's output for each (query, segment) pair. */
class SpikeLmScoringModelTest {

    @Test
    void scoresAreTheCrossEncoderOutputs(@TempDir Path dir) throws Exception {
        SpikeBertConfig config = SpikeBertConfig.builder()
                .optHiddenSize(32).optNumHiddenLayers(2).optNumAttentionHeads(4).optIntermediateSize(64)
                .optMaxPositionEmbeddings(64).optProblemType("regression")
                .optId2label(java.util.Map.of(0, "score"))
                .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertForSequenceClassification model = new SpikeBertForSequenceClassification(config);
            model.initialize(manager);
            SpikeBertLoader.save(model, dir);
        }
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, dir.resolve("tokenizer.json"));
        }
        List<TextSegment> segments = List.of(TextSegment.from("Jane Austen wrote Emma."), TextSegment.from("It rained."));
        try (SpikeLmScoringModel scorer = SpikeLmScoringModel.builder().modelPath(dir).build();
                NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"))) {
            List<Double> scores = scorer.scoreAll(segments, "Who wrote Emma?").content();
            assertEquals(2, scores.size());
            SpikeBertForSequenceClassification direct =
                    (SpikeBertForSequenceClassification) SpikeBertLoader.builder().setModelDir(dir).build().load(manager);
            for (int i = 0; i < segments.size(); i++) {
                PairList<String, String> pair = new PairList<>();
                pair.add("Who wrote Emma?", segments.get(i).text());
                EncodedBatch batch = EncodedBatch.of(tokenizer.batchEncode(pair));
                float want = direct.forward(new ParameterStore(manager, false), batch.toNDList(manager), false).get(0).getFloat(0);
                assertEquals(want, scores.get(i), 1e-5);
            }
            assertThrows(IllegalArgumentException.class, () -> scorer.scoreAll(segments, " "));
        }

        // Converted on load, the scorer is calibrated at build: a score does not depend on what came first.
        TextSegment a = segments.get(0);
        TextSegment b = TextSegment.from("A much longer segment about the weather, the harbour and the boats at sunset.");
        double aFirst;
        double aSecond;
        try (SpikeLmScoringModel scorer = SpikeLmScoringModel.builder().modelPath(dir).timeSteps(2).build()) {
            aFirst = scorer.score(a, "Who wrote Emma?").content();
            scorer.score(b, "Who wrote Emma?");
        }
        try (SpikeLmScoringModel scorer = SpikeLmScoringModel.builder().modelPath(dir).timeSteps(2).build()) {
            scorer.score(b, "Who wrote Emma?");
            aSecond = scorer.score(a, "Who wrote Emma?").content();
        }
        assertEquals(aFirst, aSecond, 0.0);
    }
}
