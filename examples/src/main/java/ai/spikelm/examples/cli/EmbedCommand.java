package ai.spikelm.examples.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.bert.SpikeBertPreTrainedModel;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.TokenizerFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints sentence embeddings. */
@Command(name = "embed", mixinStandardHelpOptions = true, description = "Print sentence embeddings of the given texts.")
final class EmbedCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--model", description = "Model (folder, Hub id, .onnx, ...; default: embedded all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--allow-pickle", description = "Accept pytorch_model.bin (restricted unpickler).")
    boolean allowPickle;

    @Option(names = "--pooling", defaultValue = "mean", description = "mean, cls, max or mean_sqrt_len (default ${DEFAULT-VALUE}).")
    String pooling;

    @Option(names = "--json", description = "Print a JSON array of vectors.")
    boolean json;

    @Option(
            names = "--calibration-text",
            paramLabel = "FILE",
            description = "Calibrate α of a model converted with -T on this text, one sequence per line (default: the embedded sample).")
    Path calibrationText;

    @Mixin SpikingOptions spiking;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Texts to embed.")
    List<String> texts;

    @Override
    public Integer call() throws IOException {
        Pooling mode = Pooling.of(pooling);
        ModelSource source = new ModelSource(model, null, allowPickle)
                .calibrateOn(calibrationText == null ? CalibrationSet.sample() : CalibrationSet.read(calibrationText));
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = TokenizerFiles.load(source.requireTokenizer())) {
            SpikeBertPreTrainedModel encoder =
                    source.load(manager, saved -> spiking.given() ? spiking.apply(saved) : saved, "BertModel");
            float[][] vectors = Embeddings.embed(encoder, tokenizer, texts, mode);
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ArrayNode array = mapper.createArrayNode();
                for (float[] v : vectors) {
                    ArrayNode row = array.addArray();
                    for (float x : v) {
                        row.add(x);
                    }
                }
                out.println(mapper.writeValueAsString(array));
            } else {
                for (int i = 0; i < vectors.length; i++) {
                    out.printf(Locale.ROOT, "%s\t[%d dims] %.4f %.4f %.4f ...%n", texts.get(i), vectors[i].length,
                            vectors[i][0], vectors[i][1], vectors[i][2]);
                }
            }
        }
        out.flush();
        return 0;
    }
}
