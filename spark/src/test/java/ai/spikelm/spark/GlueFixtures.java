package ai.spikelm.spark;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.PairEncoding;
import ai.spikelm.zoo.bert.SpikeBertForSequenceClassification;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GLUE fixtures for the Spark tests: classifiers made from the embedded MiniLM with a new head
 * (saved in Hugging Face layout as `spikelm glue --out` saves them), and glue_data directories of
 * generated sentences. Public for the command-line tests.
 */
public final class GlueFixtures {

    private static Path sst2Classifier;
    private static Path stsbSiamese;

    private GlueFixtures() {}

    /**
     * A two-label cross-encoder classifier at SpikeLM T=4, saved uncalibrated: every run that loads
     * it must calibrate, on the first batch of the first split.
     */
    public static synchronized Path sst2Classifier() throws IOException {
        if (sst2Classifier == null) {
            sst2Classifier = save("spikelm-glue-sst2", spiking(4), Map.of(0, "0", 1, "1"), "single_label_classification",
                    null, null, false);
        }
        return sst2Classifier;
    }

    /**
     * A siamese STS-B regressor (score = 5 cos(u, v)) at SpikeLM T=2, calibrated on the sample text
     * before it is saved.
     */
    public static synchronized Path stsbSiamese() throws IOException {
        if (stsbSiamese == null) {
            stsbSiamese = save("spikelm-glue-stsb", spiking(2), Map.of(0, "score"), "regression", Pooling.MEAN,
                    PairEncoding.SIAMESE, true);
        }
        return stsbSiamese;
    }

    private static SpikingConfig spiking(int timeSteps) {
        return SpikingConfig.builder().optSpiking(true).optTimeSteps(timeSteps).build();
    }

    private static Path save(String name, SpikingConfig spiking, Map<Integer, String> labels, String problem,
            Pooling pooling, PairEncoding pairs, boolean calibrate) throws IOException {
        Path dir = Files.createTempDirectory(name);
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertPreTrainedModel model = SpikeBertLoader.builder()
                    .setModelDir(EmbeddedMiniLm.directory())
                    .optSpiking(spiking)
                    .optArchitecture("BertForSequenceClassification")
                    .optId2label(labels)
                    .optProblemType(problem)
                    .optClassifierPooling(pooling)
                    .optPairEncoding(pairs)
                    .optAllowNewHead(true)
                    .build()
                    .load(manager);
            if (pairs == PairEncoding.SIAMESE) {
                ((SpikeBertForSequenceClassification) model).setSimilarityMap(5f, 0f);
            }
            if (calibrate) {
                try (var tokenizer = TokenizerFiles.load(EmbeddedMiniLm.tokenizerFile())) {
                    Calibration.calibrate(model, tokenizer, CalibrationSet.sample());
                }
            }
            SpikeBertLoader.save(model, dir);
        }
        Files.copy(EmbeddedMiniLm.tokenizerFile(), dir.resolve(TokenizerFiles.FILE_NAME));
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().deleteOnExit());
        }
        dir.toFile().deleteOnExit();
        return dir;
    }

    /**
     * Writes {@code glue/SST-2/dev.tsv} of {@code n} generated sentences (labels alternating in
     * runs of three) and {@code glue/STS-B/dev.tsv} of {@code n} pairs.
     *
     * @param root the directory to hold {@code glue}
     * @param n examples per task
     * @return the glue_data directory
     */
    public static Path glueData(Path root, int n) throws IOException {
        Path glue = root.resolve("glue");
        Files.createDirectories(glue.resolve("SST-2"));
        Files.createDirectories(glue.resolve("STS-B"));
        List<String> sst2 = new ArrayList<>();
        sst2.add("sentence\tlabel");
        for (int i = 0; i < n; i++) {
            sst2.add(Fixtures.sentence(i * 11 % 3200) + "\t" + (i / 3 % 2));
        }
        Files.write(glue.resolve("SST-2").resolve("dev.tsv"), sst2);
        Fixtures.stsb(glue.resolve("STS-B").resolve("dev.tsv"), n);
        return glue;
    }
}
