package ai.spikelm.spark;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.ConfigJson;
import ai.spikelm.zoo.core.NativeMemory;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TokenizerFiles;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.eval.glue.GlueEvaluator;
import ai.spikelm.zoo.eval.glue.GlueExample;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.SequenceClassifierModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One fine-tuned GLUE classifier a {@link ClassifierSpec} names, loaded in this JVM through the
 * family registry with the architecture its {@code config.json} saves, its weights out of autograd
 * ({@link ai.spikelm.zoo.core.Gradients}), and the {@link GlueEvaluator} that scores with it, the one {@code
 * spikelm glue} uses. A model with uncalibrated spike sites is calibrated at load on the spec's
 * calibration examples, so every executor holds the same α whatever examples its partitions bring.
 *
 * <p>Shared by the task threads of the JVM, which run their examples through it one call at a
 * time (a forward pass lends the model's parameters to its own scope, which two threads cannot do
 * at once).
 */
public final class LoadedClassifier implements AutoCloseable {

    private static final String CLASSIFIER_SUFFIX = "ForSequenceClassification";

    private final ClassifierSpec spec;
    private final NDManager manager;
    private final TrainableModel model;
    private final HuggingFaceTokenizer tokenizer;
    private final GlueEvaluator evaluator;

    private LoadedClassifier(
            ClassifierSpec spec, NDManager manager, TrainableModel model, HuggingFaceTokenizer tokenizer, GlueEvaluator evaluator) {
        this.spec = spec;
        this.manager = manager;
        this.model = model;
        this.tokenizer = tokenizer;
        this.evaluator = evaluator;
    }

    /**
     * Checks, without loading any weights, that a spec's model is a directory (or resolved Hub id)
     * of a sequence classifier: what a driver calls before it starts a job.
     *
     * @param spec the classifier
     * @return the model directory
     * @throws IOException if the directory lacks config.json or tokenizer.json, or they cannot be read
     * @throws IllegalArgumentException if its config.json names no {@code *ForSequenceClassification}
     *     architecture
     */
    public static Path check(ClassifierSpec spec) throws IOException {
        Path dir = LoadedEncoder.modelDirectory(spec.model());
        ModelFamilies.forModel(dir); // a family this build can load
        List<String> architectures = new ArrayList<>();
        JsonNode saved = new ObjectMapper().readTree(dir.resolve(ConfigJson.FILE_NAME).toFile()).path("architectures");
        saved.forEach(a -> architectures.add(a.asText()));
        if (architectures.stream().noneMatch(a -> a.endsWith(CLASSIFIER_SUFFIX))) {
            throw new IllegalArgumentException(spec.model() + " is not a sequence classifier: its config.json architectures are "
                    + architectures + "; give a fine-tuned GLUE classifier, e.g. the best/ directory of `spikelm glue --train --out DIR`");
        }
        return dir;
    }

    /**
     * Loads the classifier a spec names (most callers use {@link ExecutorEncoders#get(ClassifierSpec)},
     * which loads once per JVM), and calibrates it on the spec's calibration examples if it has
     * uncalibrated spike sites.
     *
     * @param spec what to load
     * @return the classifier; close it to free its native memory
     * @throws IOException naming the model if it cannot be found or read
     * @throws IllegalArgumentException if the model is not a classifier whose head fits the spec's task
     */
    public static LoadedClassifier load(ClassifierSpec spec) throws IOException {
        Path dir = check(spec);
        NDManager manager = NDManager.newBaseManager();
        HuggingFaceTokenizer tokenizer = null;
        try {
            // Not on the sample text: on the spec's examples below, as a single-process run calibrates.
            TrainableModel model = ModelFamilies.load(
                    LoadRequest.builder().setModelDir(dir).optSpiking(spec::spiking).optCalibration(null).build(), manager);
            if (!(model instanceof SequenceClassifierModel)) {
                throw new IllegalArgumentException(spec.model() + " loads as " + model.architecture()
                        + ", not a sequence classifier; give a fine-tuned GLUE classifier");
            }
            tokenizer = GlueEvaluator.tokenizer(dir.resolve(TokenizerFiles.FILE_NAME), spec.maxLength());
            GlueEvaluator evaluator;
            try {
                evaluator = GlueEvaluator.builder()
                        .setModel(model)
                        .setTask(spec.task())
                        .setTokenizer(tokenizer)
                        .optBatchSize(spec.batchSize())
                        .build();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(spec.model() + " cannot be scored on " + spec.task() + ": " + e.getMessage(), e);
            }
            evaluator.calibrate(spec.calibration());
            // Loading and calibration peak at several times the weights; hand that back now.
            NativeMemory.trim();
            return new LoadedClassifier(spec, manager, model, tokenizer, evaluator);
        } catch (IOException | RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            manager.close();
            throw e;
        }
    }

    /**
     * Returns the spec this classifier was loaded for.
     *
     * @return the spec
     */
    public ClassifierSpec spec() {
        return spec;
    }

    /**
     * Returns the model's SpikeLM settings.
     *
     * @return the settings it runs with
     */
    public SpikingConfig spiking() {
        return model.spiking();
    }

    /**
     * Returns the evaluator over the model, for a single-process run of the same classifier. Not
     * to be used while Spark tasks run through this classifier.
     *
     * @return the evaluator (the spec's task, batch size and window)
     */
    public GlueEvaluator evaluator() {
        return evaluator;
    }

    /**
     * Runs examples through the classifier, in batches of the spec's size from the first example.
     *
     * @param examples the examples
     * @return one row of logits (one score for STS-B) per example, in order
     */
    public synchronized float[][] logits(List<GlueExample> examples) {
        return evaluator.logits(examples);
    }

    /** Frees the weights and the tokenizer, and hands the memory back. */
    @Override
    public synchronized void close() {
        tokenizer.close();
        manager.close();
        NativeMemory.trim();
    }
}
