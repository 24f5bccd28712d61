package ai.spikelm.spark;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.TokenizerFiles;
import ai.spikelm.zoo.eval.glue.GlueEvaluator;
import ai.spikelm.zoo.eval.glue.GlueExample;
import ai.spikelm.zoo.eval.glue.GlueTask;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single-process reference: the encoder a spec names, loaded in the test JVM outside Spark
 * and without measurement, all texts embedded in one call (batches of 32, sorted by length over
 * the whole call: other batches than any Spark partition sees). One instance per setting, kept for
 * the test class.
 */
final class SingleProcess {

    private static final Map<EncoderSpec, LoadedEncoder> ENCODERS = new HashMap<>();

    private SingleProcess() {}

    /** The reference encoder for the spec's model, spiking settings, pooling and window. */
    static synchronized LoadedEncoder encoder(EncoderSpec spec) throws IOException {
        EncoderSpec reference = spec.toBuilder().optBatchSize(32).optMeasureEnergy(false).build();
        LoadedEncoder encoder = ENCODERS.get(reference);
        if (encoder == null) {
            encoder = LoadedEncoder.load(reference);
            ENCODERS.put(reference, encoder);
        }
        return encoder;
    }

    /** Embeds the texts with the reference encoder. */
    static float[][] embed(EncoderSpec spec, List<String> texts) throws IOException {
        return encoder(spec).pipeline().vectors(texts);
    }

    /** A single-process GLUE evaluation: its logits, and whether the model had to be calibrated. */
    record GlueRun(float[][] logits, boolean calibrated) {}

    /**
     * Evaluates a saved classifier on examples as {@code spikelm glue} without {@code --train}
     * does: loaded with {@link SpikeBertLoader} at its saved settings, the examples in order in
     * batches of {@code batchSize}, through the shared {@link GlueEvaluator}; model and tokenizer
     * freed after.
     */
    static GlueRun glue(Path model, GlueTask task, List<GlueExample> examples, int batchSize) throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = GlueEvaluator.tokenizer(model.resolve(TokenizerFiles.FILE_NAME), 128)) {
            SpikeBertPreTrainedModel classifier = SpikeBertLoader.builder().setModelDir(model).build().load(manager);
            boolean uncalibrated = Calibration.needed(classifier);
            float[][] logits = GlueEvaluator.builder()
                    .setModel(classifier)
                    .setTask(task)
                    .setTokenizer(tokenizer)
                    .optBatchSize(batchSize)
                    .build()
                    .logits(examples);
            return new GlueRun(logits, uncalibrated);
        }
    }

    /** Frees every reference encoder. */
    static synchronized void close() {
        ENCODERS.values().forEach(LoadedEncoder::close);
        ENCODERS.clear();
    }
}
