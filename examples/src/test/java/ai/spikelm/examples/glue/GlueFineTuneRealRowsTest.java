package ai.spikelm.examples.glue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertForSequenceClassification;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.eval.glue.GlueBatches;
import ai.spikelm.zoo.eval.glue.GlueExample;
import ai.spikelm.zoo.eval.glue.GlueReader;
import ai.spikelm.zoo.eval.glue.GlueSubset;
import ai.spikelm.zoo.eval.glue.GlueTask;
import ai.spikelm.zoo.training.AdamW;
import ai.spikelm.zoo.training.BatchSource;
import ai.spikelm.zoo.training.EpochResult;
import ai.spikelm.zoo.training.Predictions;
import ai.spikelm.zoo.training.SpikeLmTrainer;
import ai.spikelm.zoo.training.TaskObjective;
import ai.spikelm.zoo.training.TrainingBatch;
import ai.spikelm.zoo.training.TrainingSummary;
import ai.spikelm.zoo.training.WarmupLinearSchedule;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning end to end on real GLUE rows: a tiny generated SpikeLM (T = 2) learns 48 real SST-2
 * training sentences, tokenized by the real all-MiniLM-L6-v2 tokenizer, and its checkpoint reloads
 * to the same predictions. Skipped where the GLUE files are absent (as in CI; {@code -Dglue.dir}).
 */
class GlueFineTuneRealRowsTest {

    private static final Path GLUE_DIR = Path.of(System.getProperty("glue.dir", "../../shared/glue"));

    @Test
    void lossFallsOnRealRowsAndTheCheckpointReloadsToTheSamePredictions(@TempDir Path dir) throws Exception {
        GlueReader reader = new GlueReader(GLUE_DIR);
        assumeTrue(Files.isDirectory(GLUE_DIR) && reader.exists(GlueTask.SST2, GlueTask.TRAIN), "no SST-2 at " + GLUE_DIR.toAbsolutePath());
        List<GlueExample> train = GlueSubset.sample(reader.read(GlueTask.SST2, GlueTask.TRAIN).examples(), 48, 7);
        List<GlueExample> dev = GlueSubset.sample(reader.read(GlueTask.SST2, "dev").examples(), 24, 7);
        Path tokenizerJson = dir.resolve("tokenizer.json");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, tokenizerJson);
        }
        SpikeBertConfig config = SpikeBertConfig.builder()
                .optVocabSize(30522)
                .optHiddenSize(32)
                .optNumHiddenLayers(2)
                .optNumAttentionHeads(4)
                .optIntermediateSize(64)
                .optMaxPositionEmbeddings(64)
                .optId2label(Map.of(0, "0", 1, "1"))
                .optSpiking(SpikingConfig.builder().optTimeSteps(2).build())
                .build();
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                        .optTokenizerPath(tokenizerJson).optMaxLength(48).optTruncation(true).optPadding(false).build()) {
            manager.getEngine().setRandomSeed(3);
            SpikeBertForSequenceClassification model = new SpikeBertForSequenceClassification(config);
            model.initialize(manager);
            List<TrainingBatch> devBatches = GlueBatches.inOrder(dev, GlueTask.SST2, tokenizer, 8);
            Path out = dir.resolve("ckpt");
            TrainingSummary summary;
            try (AdamW adamW = AdamW.builder().setModel(model).setLearningRate(WarmupLinearSchedule.constant(1e-2f)).build();
                    SpikeLmTrainer<SpikeBertForSequenceClassification> trainer = SpikeLmTrainer.builder()
                            .setModel(model)
                            .setObjective(new TaskObjective())
                            .setTrainData(BatchSource.shuffled(train, 16, b -> GlueBatches.collate(b, GlueTask.SST2, tokenizer)))
                            .setOptimizer(adamW)
                            .setEpochs(10)
                            .optSeed(11)
                            .optOutputDir(out)
                            .addCheckpointFile("tokenizer.json", tokenizerJson)
                            .build()) {
                summary = trainer.fit();
            }
            List<Double> losses = summary.history().stream().map(EpochResult::trainLoss).toList();
            // 30 steps on 48 rows: the training loss must fall well below its first epoch (ln 2 ≈ 0.69).
            assertTrue(losses.get(losses.size() - 1) < 0.7 * losses.get(0), "train loss per epoch " + losses);
            float[][] trained = Predictions.logits(model, devBatches);
            SpikeBertPreTrainedModel reloaded = SpikeBertLoader.builder().setModelDir(out.resolve("last")).build().load(manager);
            assertArrayEquals(trained, Predictions.logits(reloaded, devBatches), "last/ reloads to the same dev logits");
            assertEquals(Files.readString(tokenizerJson), Files.readString(out.resolve("last/tokenizer.json")));
        }
    }
}
