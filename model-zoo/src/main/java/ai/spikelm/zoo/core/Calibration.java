package ai.spikelm.zoo.core;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.neuron.SpikeCalibrator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Calibrates the spike amplitudes α of a model on text, over real (unpadded) token positions only,
 * once and before it serves: the same texts give the same α whatever the padding, and whatever
 * request would have come first.
 *
 * <pre>{@code
 * SpikeBertPreTrainedModel model = SpikeBertLoader.builder()...build().load(manager);  // T = 4, uncalibrated
 * Calibration.calibrate(model, tokenizer, CalibrationSet.sample());                    // or CalibrationSet.read(file)
 * }</pre>
 *
 * <p>Only the sites that are not calibrated yet are calibrated (a model converted from an ANN has
 * none calibrated; a saved SpikeLM has all, and nothing runs); calibrated sites keep their α and
 * run with it. The texts go through the model as one padded batch in inference mode, and every
 * site weighs its membrane by the batch's attention mask ({@link SpikeCalibrator}): see there
 * why one batch. To calibrate every site again, call {@code resetCalibration()} on the sites
 * ({@link HfWeights#spikingSites}) first.
 */
public final class Calibration {

    private Calibration() {}

    /**
     * Returns whether a model has an uncalibrated elastic spike site.
     *
     * @param model the model
     * @return true if calibrating would change it
     */
    public static boolean needed(Block model) {
        return !SpikeCalibrator.attachUncalibrated(model).sites().isEmpty();
    }

    /**
     * Calibrates the uncalibrated sites on one tokenised batch, over the positions its attention
     * mask marks real. This is the call for a training loop, on its first batch.
     *
     * @param model the model (any family that makes its inputs from an {@link EncodedBatch})
     * @param batch the padded batch
     * @return the new α of each site calibrated, by site path; empty if none needed it
     * @throws IllegalArgumentException if the batch has no real token
     */
    public static Map<String, float[]> calibrate(TrainableModel model, EncodedBatch batch) {
        SpikeCalibrator calibrator = SpikeCalibrator.attachUncalibrated(model);
        if (calibrator.sites().isEmpty()) {
            return Map.of();
        }
        // A sub-manager of the weights' own: same engine and device; everything the pass makes
        // closes with it.
        try (NDManager scope = weightsManager(model).newSubManager()) {
            NDList inputs = model.inputs(batch, scope);
            NDArray positions = scope.create(batch.attentionMask());
            return calibrator.calibrate(
                    positions, () -> model.forward(new ParameterStore(scope, false), inputs, false));
        }
    }

    /**
     * Calibrates the uncalibrated sites on a calibration set, tokenised by {@code tokenizer}.
     *
     * @param model the model
     * @param tokenizer the model's tokenizer; it must truncate to the model's positions
     * @param set the texts
     * @return the new α of each site calibrated, by site path; empty if none needed it
     */
    public static Map<String, float[]> calibrate(TrainableModel model, HuggingFaceTokenizer tokenizer, CalibrationSet set) {
        if (!needed(model)) {
            return Map.of();
        }
        return calibrate(model, EncodedBatch.encode(tokenizer, set.texts()));
    }

    /**
     * Calibrates the uncalibrated sites on a calibration set, tokenised by a {@code tokenizer.json}
     * that truncates each text to {@code min(}{@value CalibrationSet#MAX_TOKENS}{@code ,
     * maxPositions)} tokens. The tokenizer is read only if a site needs calibrating.
     *
     * @param model the model
     * @param tokenizerJson the model's {@code tokenizer.json}
     * @param maxPositions the model's position limit
     * @param set the texts
     * @return the new α of each site calibrated, by site path; empty if none needed it
     * @throws IOException naming the file if the tokenizer is missing or unreadable
     */
    public static Map<String, float[]> calibrate(
            TrainableModel model, Path tokenizerJson, int maxPositions, CalibrationSet set) throws IOException {
        if (!needed(model)) {
            return Map.of();
        }
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IOException(
                    "No tokenizer " + tokenizerJson + ": it is needed to calibrate the spike amplitudes on " + set);
        }
        try (HuggingFaceTokenizer tokenizer = TokenizerFiles.load(tokenizerJson, b -> b
                        .optTruncation(true)
                        .optMaxLength(Math.min(CalibrationSet.MAX_TOKENS, maxPositions))
                        .optPadding(false))) {
            return calibrate(model, tokenizer, set);
        }
    }

    private static NDManager weightsManager(Block model) {
        for (Parameter p : HfWeights.parameters(model).values()) {
            if (p.isInitialized()) {
                return p.getArray().getManager();
            }
        }
        throw new IllegalStateException("The model is not initialized: it has no weights to calibrate with");
    }
}
