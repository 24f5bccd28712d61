package ai.spikelm.examples.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.Tokenizers;
import ai.spikelm.zoo.family.CausalLmModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.training.Perplexity;
import ai.spikelm.zoo.training.TokenWindows;
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
import picocli.CommandLine.Spec;

/** Perplexity and throughput of a (spiking) causal language model of any registered family on text files. */
@Command(
        name = "perplexity",
        mixinStandardHelpOptions = true,
        description = "Perplexity (and tokens/s) of a SpikeLM causal language model (GPT-2) on text files, over non-overlapping windows.")
final class PerplexityCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, description = "Causal LM (GPT-2 layout) with tokenizer.json: a folder or a Hub id.")
    String model;

    @Option(names = "--text", required = true, arity = "1..*", description = "Text files, or directories of *.txt files.")
    List<Path> text;

    @Mixin SpikingOptions spikingOptions = new SpikingOptions();

    @Option(names = "--context", description = "Tokens per window (default: the model's context).")
    Integer context;

    @Option(names = "--batch-size", defaultValue = "8", description = "Windows per forward pass (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-windows", defaultValue = "" + Integer.MAX_VALUE, description = "Score at most this many windows.")
    int maxWindows;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = LanguageModelFiles.modelDir(model);
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = Tokenizers.untruncated(dir.resolve("tokenizer.json"))) {
            CausalLmModel lm = ModelFamilies.loadCausalLm(
                    LoadRequest.builder().setModelDir(dir).optSpiking(spikingOptions::applyIfGiven).build(), manager);
            SpikingConfig spiking = lm.spiking();
            int window = context == null ? lm.contextLength() : context;
            if (window > lm.contextLength()) {
                throw new IllegalArgumentException("--context " + window + " exceeds the model's context of " + lm.contextLength());
            }
            Integer eos = lm.eosTokenId() != null && lm.eosTokenId() < lm.vocabSize() ? lm.eosTokenId() : null;
            TokenWindows windows = new TokenWindows(LanguageModelFiles.tokenize(tokenizer, LanguageModelFiles.textFiles(text), eos), window);
            Perplexity p = Perplexity.evaluate(lm, windows.consecutive(batchSize, maxWindows));
            out.printf(Locale.ROOT, "%s: perplexity %.3f (%.4f nats, %.4f bits per token) on %d predicted tokens; %.0f tokens/s%n",
                    spiking, p.perplexity(), p.crossEntropy(), p.crossEntropy() / Math.log(2), p.predictedTokens(), p.tokensPerSecond());
        }
        out.flush();
        return 0;
    }
}
