package ai.spikelm.zoo.djl;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.ConfigFields;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.gpt2.SpikeGpt2Config;
import ai.spikelm.zoo.gpt2.SpikeGpt2LMHeadModel;
import ai.spikelm.zoo.gpt2.SpikeGpt2Loader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds a SpikeLM model from a Hugging Face-layout directory for DJL: reads {@code config.json},
 * picks the family by its {@code model_type} ({@code bert}: SpikeLM-BERT with the architecture it
 * names; {@code gpt2}: the SpikeLM-GPT-2 language model), initialises the block on the model's
 * manager and loads the weights.
 *
 * <p>A model with uncalibrated spike sites (an ANN converted on load with {@code timeSteps}, or a
 * checkpoint saved before calibration) is calibrated here, before any request, on the calibration
 * set ({@code calibrationText}, default the embedded sample text) tokenised by the directory's
 * {@code tokenizer.json}, over real positions only ({@link Calibration}). Its results therefore do
 * not depend on which request comes first.
 *
 * <p>Arguments ({@link SpikeLmArguments}): {@code timeSteps}, {@code spiking}, {@code architecture},
 * {@code allowPickle}, {@code calibrationText}, {@code intraOpThreads}. The model must be loaded with the option {@code hasParameter=false} (the
 * weights are not DJL parameter files); {@code serving.properties} and the {@code hf://} scheme set
 * it for you.
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
        // Config-driven: the family comes from config.json's model_type.
        String modelType = ConfigFields.read(dir.resolve("config.json")).modelType();
        if (SpikeGpt2Config.MODEL_TYPE.equals(modelType)) {
            SpikeGpt2Config config = SpikeGpt2Config.load(dir.resolve("config.json"));
            SpikeGpt2LMHeadModel lm =
                    SpikeGpt2Loader.builder()
                            .setModelDir(dir)
                            .optSpiking(spiking(config.spiking(), arguments))
                            .optAllowPickle(SpikeLmArguments.bool(arguments, SpikeLmArguments.ALLOW_PICKLE, false))
                            .build()
                            .loadLanguageModel(model.getNDManager());
            calibrate(lm, dir, config.nPositions(), arguments);
            return lm;
        }
        SpikeBertConfig saved = SpikeBertConfig.load(dir.resolve("config.json"));
        SpikeBertLoader.Builder loader =
                SpikeBertLoader.builder()
                        .setModelDir(dir)
                        .optSpiking(spiking(saved.spiking(), arguments))
                        .optAllowPickle(SpikeLmArguments.bool(arguments, SpikeLmArguments.ALLOW_PICKLE, false));
        String architecture = SpikeLmArguments.string(arguments, SpikeLmArguments.ARCHITECTURE, null);
        if (architecture != null) {
            loader.optArchitecture(architecture).optAllowNewHead(true);
        }
        SpikeBertPreTrainedModel bert = loader.build().load(model.getNDManager());
        calibrate(bert, dir, bert.getConfig().maxPositionEmbeddings(), arguments);
        return bert;
    }

    /** Calibrates uncalibrated sites now, on the {@code calibrationText} file or the sample. */
    private static void calibrate(TrainableModel block, Path dir, int maxPositions, Map<String, ?> arguments)
            throws IOException {
        if (!Calibration.needed(block)) {
            return;
        }
        String file = SpikeLmArguments.string(arguments, SpikeLmArguments.CALIBRATION_TEXT, null);
        CalibrationSet set = file == null ? CalibrationSet.sample() : CalibrationSet.read(Path.of(file));
        Calibration.calibrate(block, dir.resolve("tokenizer.json"), maxPositions, set);
    }

    /** The saved settings with the arguments applied. */
    static SpikingConfig spiking(SpikingConfig saved, Map<String, ?> arguments) {
        if (!SpikeLmArguments.bool(arguments, SpikeLmArguments.SPIKING, true)) {
            return SpikingConfig.ANN;
        }
        if (arguments.get(SpikeLmArguments.TIME_STEPS) == null) {
            return saved;
        }
        int steps = SpikeLmArguments.integer(arguments, SpikeLmArguments.TIME_STEPS, 1);
        SpikingConfig.Builder b = saved.isSpiking() ? saved.toBuilder() : SpikingConfig.builder();
        return b.optSpiking(true).optTimeSteps(steps).build();
    }
}
