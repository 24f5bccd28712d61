package ai.spikelm.zoo.djl;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.core.ConfigFields;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.gpt2.SpikeGpt2Config;
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
 * <p>Arguments ({@link SpikeLmArguments}): {@code timeSteps}, {@code spiking}, {@code architecture},
 * {@code allowPickle}. The model must be loaded with the option {@code hasParameter=false} (the
 * weights are not DJL parameter files); {@code serving.properties} and the {@code hf://} scheme set
 * it for you.
 */
public class SpikeLmBlockFactory implements BlockFactory {

    private static final long serialVersionUID = 1L;

    /** {@inheritDoc} */
    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) throws IOException {
        Path dir = Files.isDirectory(modelPath) ? modelPath : modelPath.getParent();
        // Config-driven: the family comes from config.json's model_type.
        String modelType = ConfigFields.read(dir.resolve("config.json")).modelType();
        if (SpikeGpt2Config.MODEL_TYPE.equals(modelType)) {
            SpikeGpt2Config config = SpikeGpt2Config.load(dir.resolve("config.json"));
            return SpikeGpt2Loader.builder()
                    .setModelDir(dir)
                    .optSpiking(spiking(config.spiking(), arguments))
                    .optAllowPickle(SpikeLmArguments.bool(arguments, SpikeLmArguments.ALLOW_PICKLE, false))
                    .build()
                    .loadLanguageModel(model.getNDManager());
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
        return loader.build().load(model.getNDManager());
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
