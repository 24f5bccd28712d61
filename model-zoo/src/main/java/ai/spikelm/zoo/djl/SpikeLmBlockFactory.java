package ai.spikelm.zoo.djl;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds a SpikeLM model from a Hugging Face-layout directory for DJL, through the family registry
 * ({@link ModelFamilies}): {@code config.json}'s {@code model_type} picks the family ({@code bert},
 * {@code gpt2}, {@code bart} or any registered one; an unknown type is an error listing the known
 * ones), which builds the model of the {@code modelKind} or {@code architecture} argument, or else
 * the saved architecture, on the model's manager and loads the weights.
 *
 * <p>A model with uncalibrated spike sites (an ANN converted on load with {@code timeSteps}, or a
 * checkpoint saved before calibration) is calibrated here, before any request, on the calibration
 * set ({@code calibrationText}, default the embedded sample text) tokenised by the directory's
 * {@code tokenizer.json}, over real positions only. Its results therefore do not depend on which
 * request comes first.
 *
 * <p>Arguments ({@link SpikeLmArguments}): {@code timeSteps}, {@code spiking}, {@code modelKind},
 * {@code architecture}, {@code allowPickle}, {@code calibrationText}, {@code intraOpThreads}. The model must be loaded with
 * the option {@code hasParameter=false} (the weights are not DJL parameter files); {@code
 * serving.properties} and the {@code hf://} scheme set it for you.
 */
public class SpikeLmBlockFactory implements BlockFactory {

    private static final long serialVersionUID = 1L;

    /** {@inheritDoc} */
    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) throws IOException {
        if (arguments.get(SpikeLmArguments.INTRA_OP_THREADS) != null) {
            InferenceThreads.setIntraOpThreads(SpikeLmArguments.integer(arguments, SpikeLmArguments.INTRA_OP_THREADS, 0));
        }
        Path dir = Files.isDirectory(modelPath) ? modelPath : modelPath.getParent();
        String kind = SpikeLmArguments.string(arguments, SpikeLmArguments.MODEL_KIND, null);
        String file = SpikeLmArguments.string(arguments, SpikeLmArguments.CALIBRATION_TEXT, null);
        LoadRequest request =
                LoadRequest.builder()
                        .setModelDir(dir)
                        .optKind(kind == null ? null : ModelKind.of(kind))
                        .optArchitecture(SpikeLmArguments.string(arguments, SpikeLmArguments.ARCHITECTURE, null))
                        .optSpiking(saved -> spiking(saved, arguments))
                        .optAllowPickle(SpikeLmArguments.bool(arguments, SpikeLmArguments.ALLOW_PICKLE, false))
                        .optCalibration(file == null ? CalibrationSet.sample() : CalibrationSet.read(Path.of(file)))
                        .build();
        return ModelFamilies.load(request, model.getNDManager());
    }

    /** The saved settings with the arguments applied. */
    static SpikingConfig spiking(SpikingConfig saved, Map<String, ?> arguments) {
        if (!SpikeLmArguments.bool(arguments, SpikeLmArguments.SPIKING, true)) {
            return SpikingConfig.ANN;
        }
        if (arguments.get(SpikeLmArguments.TIME_STEPS) == null) {
            return saved;
        }
        return LoadRequest.withTimeSteps(saved, SpikeLmArguments.integer(arguments, SpikeLmArguments.TIME_STEPS, 1));
    }
}
