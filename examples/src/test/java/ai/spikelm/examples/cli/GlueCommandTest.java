package ai.spikelm.examples.cli;

import static ai.spikelm.examples.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.bert.SpikeBertModel;
import ai.spikelm.zoo.core.SpikingConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spikelm glue} end to end on a small SpikeLM and a generated SST-2-layout fixture. */
class GlueCommandTest {

    /** A separable sentiment fixture: "good/great ..." is positive, "bad/awful ..." negative. */
    private static Path glueData(Path dir) throws Exception {
        Path sst = Files.createDirectories(dir.resolve("glue/SST-2"));
        String[] positive = {"good", "great", "lovely", "wonderful"};
        String[] negative = {"bad", "awful", "terrible", "boring"};
        Random random = new Random(1);
        for (String split : new String[] {"train", "dev"}) {
            StringBuilder tsv = new StringBuilder("sentence\tlabel\n");
            for (int i = 0; i < (split.equals("train") ? 64 : 32); i++) {
                boolean pos = random.nextBoolean();
                String word = (pos ? positive : negative)[random.nextInt(4)];
                tsv.append("a ").append(word).append(" film \t").append(pos ? 1 : 0).append('\n');
            }
            Files.writeString(sst.resolve(split + ".tsv"), tsv, StandardCharsets.UTF_8);
        }
        return dir.resolve("glue");
    }

    /** A randomly initialised two-layer SpikeLM-BERT (T = 2) with the MiniLM tokenizer. */
    static Path tinyModel(Path dir) throws Exception {
        return tinyModel(dir.resolve("tiny"), SpikingConfig.builder().optTimeSteps(2).build());
    }

    /** The same tiny BERT as a plain ANN (what a teacher or an {@code --ann} run starts from). */
    static Path tinyAnn(Path dir) throws Exception {
        return tinyModel(dir.resolve("tiny-ann"), SpikingConfig.ANN);
    }

    private static Path tinyModel(Path model, SpikingConfig spiking) throws Exception {
        SpikeBertConfig config = SpikeBertConfig.builder()
                .optHiddenSize(32)
                .optNumHiddenLayers(2)
                .optNumAttentionHeads(4)
                .optIntermediateSize(64)
                .optMaxPositionEmbeddings(64)
                .optSpiking(spiking)
                .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel encoder = new SpikeBertModel(config);
            encoder.initialize(manager);
            SpikeBertLoader.save(encoder, model);
        }
        try (InputStream in = GlueCommandTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, model.resolve("tokenizer.json"));
        }
        return model;
    }

    @Test
    void fineTunesEvaluatesAndWritesResults(@TempDir Path dir) throws Exception {
        Path data = glueData(dir);
        Path model = tinyModel(dir);
        Path json = dir.resolve("results.json");
        String[] r = run("glue", "--task", "sst-2", "--data", data.toString(), "--model", model.toString(), "--train",
                "--epochs", "3", "--lr", "1e-3", "--batch-size", "16", "--out", dir.resolve("ckpt").toString(),
                "--json", json.toString());
        assertEquals("0", r[0], r[2]);
        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertEquals("SST2", results.get("task").asText());
        assertEquals(2, results.get("time_steps").asInt());
        assertEquals(64, results.get("train_examples").asInt(), "every fixture row, no subset asked");
        double accuracy = results.get("metrics").get("dev").get("ACCURACY").asDouble();
        assertTrue(accuracy >= 0.0 && accuracy <= 1.0, results.toString());
        assertTrue(results.get("firing_rate").asDouble() > 0 && results.get("firing_rate").asDouble() < 1);
        assertTrue(Files.isRegularFile(dir.resolve("ckpt/best/config.json")));
        assertTrue(r[1].contains("epoch 2:"), r[1]);
        // The report is the best epoch's model, and best/ is a complete folder that reproduces it.
        assertEquals(results.get("best_main_metric").asDouble(), accuracy, 1e-12, results.toString());
        assertEquals(Files.readString(model.resolve("tokenizer.json")), Files.readString(dir.resolve("ckpt/best/tokenizer.json")));
        Path again = dir.resolve("again.json");
        String[] e = run("glue", "--task", "SST-2", "--data", data.toString(), "--model", dir.resolve("ckpt/best").toString(),
                "--json", again.toString());
        assertEquals("0", e[0], e[2]);
        assertEquals(accuracy, new ObjectMapper().readTree(again.toFile()).get("metrics").get("dev").get("ACCURACY").asDouble(), 1e-12);
        // Both runs in one table: the fine-tuned row first (trained T = 2), then the evaluation only.
        String[] table = run("glue-report", json.toString(), again.toString());
        assertEquals("0", table[0], table[2]);
        String[] rows = table[1].strip().split("\n");
        assertEquals(4, rows.length, table[1]);
        assertTrue(rows[2].startsWith("| SST-2 | SpikeLM T = 2 |") && rows[2].contains(String.format(java.util.Locale.ROOT, "accuracy %.1f", 100 * accuracy)), rows[2]);
        String[] missing = run("glue-report", dir.resolve("nothing-here").toString());
        assertEquals("1", missing[0]);
        assertTrue(missing[2].contains("nothing-here"), missing[2]);
    }

    @Test
    void trainsFromASeededPartOfDevWhenTheTrainSplitIsMissingAndDrawsCharts(@TempDir Path dir) throws Exception {
        Path data = glueData(dir);
        Files.delete(data.resolve("SST-2/train.tsv"));
        Path model = tinyModel(dir);
        Path json = dir.resolve("results.json");
        Path chart = dir.resolve("loss.png");
        String[] r = run("glue", "--task", "SST-2", "--data", data.toString(), "--model", model.toString(), "--train",
                "--train-from-dev", "20", "--epochs", "2", "--batch-size", "8", "--json", json.toString(),
                "--chart", chart.toString());
        assertEquals("0", r[0], r[2]);
        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertEquals(20, results.get("train_from_dev").asInt());
        // 32 dev rows: 20 train, the other 12 are evaluated; accuracy is a multiple of 1/12.
        double accuracy = results.get("metrics").get("dev").get("ACCURACY").asDouble();
        assertEquals(Math.round(accuracy * 12), accuracy * 12, 1e-9, results.toString());
        for (Path png : new Path[] {chart, dir.resolve("loss-firing.png")}) {
            byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head, png.toString());
        }
    }

    @Test
    void sigtermDuringFineTuningStopsAtAStepBoundaryAndReportsNoScores(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("ckpt");
        Path state = out.resolve("last").resolve("trainer_state.json");
        String log;
        try (ChildCli child = ChildCli.start(dir, List.of("glue", "--task", "sst-2", "--data", glueData(dir).toString(),
                "--model", tinyModel(dir).toString(), "--train", "--epochs", "1000", "--batch-size", "8",
                "--out", out.toString(), "--json", dir.resolve("results.json").toString()))) {
            child.awaitWhileRunning("a first epoch's checkpoint", () -> Files.isRegularFile(state));
            Thread.sleep(1500); // into the next epoch
            log = child.terminate();
        }
        assertTrue(log.contains("stopped by a signal during fine-tuning") && log.contains("no scores reported"), log);
        assertFalse(Files.exists(dir.resolve("results.json")), "a model stopped mid-epoch has no results");
        assertFalse(Files.exists(out.resolve("last.tmp")), "nothing half-written");
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertPreTrainedModel last = SpikeBertLoader.builder().setModelDir(out.resolve("last")).build().load(manager);
            assertEquals("BertForSequenceClassification", last.architecture());
        }
    }

    /**
     * Sentence-pair fixtures: STS-B (a score: 5 for "a X film" against "the X film", 0 against an
     * unrelated word) and MRPC (label 1 for the same word, 0 for another).
     */
    private static Path pairData(Path dir) throws Exception {
        String[] words = {"good", "great", "lovely", "wonderful", "bad", "awful", "terrible", "boring"};
        Random random = new Random(2);
        Path sts = Files.createDirectories(dir.resolve("glue/STS-B"));
        Path mrpc = Files.createDirectories(dir.resolve("glue/MRPC"));
        for (String split : new String[] {"train", "dev"}) {
            StringBuilder s = new StringBuilder("index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n");
            StringBuilder m = new StringBuilder("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n");
            for (int i = 0; i < (split.equals("train") ? 48 : 24); i++) {
                String a = words[random.nextInt(8)];
                boolean same = random.nextBoolean();
                String b = same ? a : words[random.nextInt(8)];
                // Sentences of several lengths, so that batches and their padding-free regrouping differ.
                String first = "a " + "very ".repeat(random.nextInt(3)) + a + " film";
                s.append(i).append("\tg\tf\t2012\t").append(i).append("\tnone\tnone\t").append(first).append("\tthe ")
                        .append(b).append(" film\t").append(a.equals(b) ? "5.000" : "0.000").append('\n');
                m.append(a.equals(b) ? 1 : 0).append("\t").append(i).append("\t").append(i + 1000).append("\t").append(first)
                        .append("\tthe ").append(b).append(" film\n");
            }
            Files.writeString(sts.resolve(split + ".tsv"), s, StandardCharsets.UTF_8);
            Files.writeString(mrpc.resolve(split + ".tsv"), m, StandardCharsets.UTF_8);
        }
        return dir.resolve("glue");
    }

    @Test
    void aSiameseRegressorFitsItsSimilarityMapAndItsSavedModelReproducesTheScore(@TempDir Path dir) throws Exception {
        Path data = pairData(dir);
        Path json = dir.resolve("sts.json");
        String[] r = run("glue", "--task", "STS-B", "--data", data.toString(), "--model", tinyModel(dir).toString(), "--train",
                "--pairs", "siamese", "--epochs", "2", "--lr", "1e-3", "--batch-size", "16", "--out", dir.resolve("ckpt").toString(),
                "--json", json.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("similarity head fitted on 48 training pairs: score = "), r[1]);
        assertTrue(r[1].contains("energy per example (2 sequences)"), r[1]);
        assertTrue(new ObjectMapper().readTree(json.toFile()).get("firing_rate").asDouble() > 0, "the encoder's spikes are measured");
        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertEquals("siamese", results.get("pairs").asText());
        assertEquals("mean", results.get("pooling").asText(), "a bi-encoder reads the mean unless told otherwise");
        assertEquals(48, results.get("train_examples").asInt(), "pairs, not sequences");
        String config = Files.readString(dir.resolve("ckpt/best/config.json"));
        assertTrue(config.contains("\"pair_encoding\" : \"siamese\"") && config.contains("\"classifier_pooling\" : \"mean\""), config);
        double pearson = results.get("metrics").get("dev").get("PEARSON").asDouble();
        Path again = dir.resolve("again.json");
        String[] e = run("glue", "--task", "STS-B", "--data", data.toString(), "--model", dir.resolve("ckpt/best").toString(),
                "--json", again.toString());
        assertEquals("0", e[0], e[2]);
        assertEquals(pearson, new ObjectMapper().readTree(again.toFile()).get("metrics").get("dev").get("PEARSON").asDouble(), 1e-12,
                "the saved bi-encoder, read without --pairs, scores the same");
        String[] table = run("glue-report", json.toString());
        assertTrue(table[1].contains("| STS-B | SpikeLM T = 2 (bi-encoder) |"), table[1]);
    }

    @Test
    void distillingASiameseClassifierReportsTheChosenTermsAndNeedsATeacherThatReadsPairsAlike(@TempDir Path dir) throws Exception {
        Path data = pairData(dir);
        Path model = tinyModel(dir);
        String[] teacher = run("glue", "--task", "MRPC", "--data", data.toString(), "--model", tinyAnn(dir).toString(), "--ann",
                "--train", "--pairs", "siamese", "--epochs", "1", "--batch-size", "16", "--out", dir.resolve("teacher").toString());
        assertEquals("0", teacher[0], teacher[2]);
        Path json = dir.resolve("kd.json");
        String[] r = run("glue", "--task", "MRPC", "--data", data.toString(), "--model", dir.resolve("teacher/best").toString(),
                "-T", "1", "--train", "--epochs", "1", "--batch-size", "16", "--distill-from", dir.resolve("teacher/best").toString(),
                "--kd-hidden", "0", "--kd-task", "0.5", "--encoder-lr", "1e-5", "--log-every", "1", "--json", json.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("step 3: loss ") && r[1].contains("logit_kd ") && r[1].contains("task_loss ")
                && r[1].contains("grad norm "), r[1]);
        assertFalse(r[1].contains("hidden_mse"), "a zero weight leaves its term out: " + r[1]);
        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertEquals(1e-5, results.get("encoder_learning_rate").asDouble(), 1e-12);
        assertEquals(0.5, results.get("distillation_weights").get("task").asDouble());
        assertEquals(0.0, results.get("distillation_weights").get("hidden").asDouble());

        String[] cross = run("glue", "--task", "MRPC", "--data", data.toString(), "--model", model.toString(), "--train",
                "--epochs", "1", "--distill-from", dir.resolve("teacher/best").toString());
        assertEquals("1", cross[0]);
        assertTrue(cross[2].contains("reads pairs as SIAMESE, the model as CROSS"), cross[2]);
    }

    @Test
    void augmentedVariantsTrainOnTheTeachersTargetsOnly(@TempDir Path dir) throws Exception {
        Path data = pairData(dir);
        String[] teacher = run("glue", "--task", "MRPC", "--data", data.toString(), "--model", tinyAnn(dir).toString(), "--ann",
                "--train", "--epochs", "1", "--batch-size", "16", "--out", dir.resolve("teacher").toString());
        assertEquals("0", teacher[0], teacher[2]);
        String best = dir.resolve("teacher/best").toString();
        Path json = dir.resolve("aug.json");
        String[] r = run("glue", "--task", "MRPC", "--data", data.toString(), "--model", best, "-T", "1", "--train",
                "--epochs", "1", "--batch-size", "16", "--distill-from", best, "--augment", "3", "--json", json.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("training on 48 examples and 144 unlabelled variants (--augment 3)"), r[1]);
        assertEquals(192, new ObjectMapper().readTree(json.toFile()).get("train_examples").asInt(), "labelled and variants");

        String[] withLabels = run("glue", "--task", "MRPC", "--data", data.toString(), "--model", best, "-T", "1", "--train",
                "--distill-from", best, "--kd-task", "1", "--augment", "3");
        assertEquals("1", withLabels[0]);
        assertTrue(withLabels[2].contains("--augment") && withLabels[2].contains("--kd-task 0"), withLabels[2]);
        String[] noTeacher = run("glue", "--task", "MRPC", "--data", data.toString(), "--model", best, "--train", "--augment", "3");
        assertEquals("1", noTeacher[0]);
        assertTrue(noTeacher[2].contains("--distill-from"), noTeacher[2]);
    }

    @Test
    void aFrozenEncoderUnderAMeanPooledHeadLeavesTheEncoderAsItWas(@TempDir Path dir) throws Exception {
        Path data = glueData(dir);
        Path model = tinyModel(dir);
        Path json = dir.resolve("frozen.json");
        String[] r = run("glue", "--task", "SST-2", "--data", data.toString(), "--model", model.toString(), "--train",
                "--pooling", "mean", "--encoder-lr", "0", "--epochs", "1", "--lr", "1e-3", "--batch-size", "16",
                "--out", dir.resolve("ckpt").toString(), "--json", json.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(0.0, new ObjectMapper().readTree(json.toFile()).get("encoder_learning_rate").asDouble());
        assertTrue(Files.readString(dir.resolve("ckpt/best/config.json")).contains("\"classifier_pooling\" : \"mean\""));
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertPreTrainedModel before = SpikeBertLoader.builder().setModelDir(model).build().load(manager);
            SpikeBertPreTrainedModel after = SpikeBertLoader.builder().setModelDir(dir.resolve("ckpt/best")).build().load(manager);
            var trained = ai.spikelm.zoo.core.HfWeights.parameters(after);
            ai.spikelm.zoo.core.HfWeights.parameters(before).forEach((name, p) -> {
                if (!name.startsWith("pooler.") && !name.endsWith(".alpha")) {
                    assertArrayEquals(p.getArray().toFloatArray(), trained.get("bert." + name).getArray().toFloatArray(), 0f, name);
                }
            });
        }
        String[] single = run("glue", "--task", "SST-2", "--data", data.toString(), "--model", model.toString(), "--pairs", "siamese");
        assertEquals("1", single[0]);
        assertTrue(single[2].contains("--pairs siamese needs a sentence-pair task; SST2 has single sentences"), single[2]);
    }

    @Test
    void trainFromDevOutOfRangeIsAOneLineError(@TempDir Path dir) throws Exception {
        Path data = glueData(dir);
        String[] r = run("glue", "--task", "SST-2", "--data", data.toString(), "--model", tinyModel(dir).toString(),
                "--train", "--train-from-dev", "32");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--train-from-dev must be between 1 and 31"), r[2]);
    }

    @Test
    void missingDataIsAOneLineError(@TempDir Path dir) {
        String[] r = run("glue", "--task", "RTE", "--data", dir.resolve("nowhere").toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("spikelm glue: error:"), r[2]);
        assertTrue(!r[2].contains("\tat "), r[2]);
    }
}
