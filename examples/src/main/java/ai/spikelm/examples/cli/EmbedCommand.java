package ai.spikelm.examples.cli;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.corpus.TextLines;
import ai.spikelm.zoo.family.EncoderModel;
import ai.spikelm.zoo.text.EncoderPipeline;
import ai.spikelm.zoo.text.LongInputPolicy;
import ai.spikelm.zoo.text.TextEmbedding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Sentence embeddings of texts given on the command line, or streamed from a file or standard input
 * (one text per line, or JSONL) to JSON lines, through the encoder pipeline in memory bounded by
 * the batch size.
 */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description = "Sentence embeddings of the given texts, or of every line of --file (or stdin) as JSON lines.")
final class EmbedCommand implements Callable<Integer> {

    /** Texts between progress updates when reading a file. */
    private static final int PROGRESS_EVERY = 1000;

    @Spec CommandSpec spec;

    @Mixin ModelOptions modelOptions = new ModelOptions();

    @Mixin SpikingOptions spiking = new SpikingOptions();

    @Option(names = "--pooling", defaultValue = "mean", description = "mean, cls, max or mean_sqrt_len (default ${DEFAULT-VALUE}).")
    String pooling;

    @Option(
            names = "--file",
            paramLabel = "FILE",
            description = "Read the texts from this file, one per non-blank line (or JSONL, see --json-field); '-' reads standard input.")
    String file;

    @Option(
            names = "--json-field",
            paramLabel = "NAME",
            description = "Read --file as JSONL and take each record's text from this field (default 'text' for *.jsonl files).")
    String jsonField;

    @Option(names = "--json", description = "Write one JSON object per text (index, line, tokens, embedding); the default with --file.")
    boolean json;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the output to this file instead of standard output.")
    Path output;

    @Option(names = "--batch-size", defaultValue = "32", description = "Texts (windows) per forward pass (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--max-batch-tokens",
            defaultValue = "" + EncoderPipeline.DEFAULT_MAX_BATCH_TOKENS,
            description = "At most this many rows × padded length per forward pass, so long texts go fewer at a time (default ${DEFAULT-VALUE}).")
    int maxBatchTokens;

    @Option(names = "--max-length", description = "Tokens per text, special tokens included (default: the model's positions).")
    Integer maxLength;

    @Option(
            names = "--long-inputs",
            defaultValue = "truncate",
            description = "Texts longer than --max-length: truncate, average_windows or reject (default ${DEFAULT-VALUE}).")
    String longInputs;

    @Option(
            names = "--calibration-text",
            paramLabel = "FILE",
            description = "Calibrate α of a model converted with -T on this text, one sequence per line (default: the embedded sample).")
    Path calibrationText;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts to embed (or use --file).")
    List<String> texts;

    @Override
    public Integer call() throws IOException {
        validate();
        Pooling mode = Pooling.of(pooling);
        LongInputPolicy policy = LongInputPolicy.of(longInputs);
        ModelSource source = modelOptions.source()
                .calibrateOn(calibrationText == null ? CalibrationSet.sample() : CalibrationSet.read(calibrationText));
        try (NDManager manager = NDManager.newBaseManager()) {
            EncoderModel encoder = source.loadEncoder(manager, saved -> spiking.given() ? spiking.apply(saved) : saved);
            EncoderPipeline.Builder pipeline = EncoderPipeline.builder()
                    .setModel(encoder)
                    .setTokenizer(modelOptions.tokenizerFile(source))
                    .optLongInputPolicy(policy)
                    .optPooling(mode)
                    .optBatchSize(batchSize)
                    .optMaxBatchTokens(maxBatchTokens);
            if (maxLength != null) {
                pipeline.optMaxLength(maxLength);
            }
            try (EncoderPipeline embedder = pipeline.build()) {
                if (file != null) {
                    embedFile(embedder);
                } else {
                    embedArguments(embedder);
                }
            }
        }
        return 0;
    }

    private void validate() {
        if ((file == null) == (texts == null || texts.isEmpty())) {
            throw new ParameterException(spec.commandLine(), "Give the texts as arguments or --file FILE (or --file - for stdin), not both");
        }
        if (jsonField != null && file == null) {
            throw new ParameterException(spec.commandLine(), "--json-field reads --file as JSONL; give --file");
        }
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
        }
        if (maxBatchTokens < 1) {
            throw new ParameterException(spec.commandLine(), "--max-batch-tokens must be at least 1, got " + maxBatchTokens);
        }
        if (maxLength != null && maxLength < 2) {
            throw new ParameterException(spec.commandLine(), "--max-length must be at least 2, got " + maxLength);
        }
    }

    /** The command-line texts: a line each (text, dimensions, first values), or JSON lines. */
    private void embedArguments(EncoderPipeline embedder) throws IOException {
        if (json || output != null) {
            write(embedder, texts.iterator(), () -> 0);
            return;
        }
        PrintWriter out = spec.commandLine().getOut();
        List<TextEmbedding> vectors = embedder.embed(texts);
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = vectors.get(i).vector();
            out.printf(Locale.ROOT, "%s\t[%d dims, %d tokens] %.4f %.4f %.4f ...%n", texts.get(i), v.length,
                    vectors.get(i).tokens(), v[0], v[1], v[2]);
        }
        out.flush();
    }

    /** Every text of the file (or stdin), streamed to JSON lines, with progress on standard error. */
    private void embedFile(EncoderPipeline embedder) throws IOException {
        boolean stdin = file.equals("-");
        String field = jsonField;
        if (field == null && !stdin && (file.endsWith(".jsonl") || file.endsWith(".ndjson"))) {
            field = "text";
        }
        try (TextLines lines = stdin ? TextLines.of(System.in, "standard input", field) : TextLines.open(Path.of(file), field)) {
            write(embedder, lines, lines::lineNumber);
        }
    }

    /**
     * Writes one JSON object per text as the pipeline hands the embeddings on: {@code index} (from
     * 0), {@code line} (the input line, for a file), {@code tokens} and {@code embedding}.
     */
    private void write(EncoderPipeline embedder, Iterator<String> input, LongSupplier lineOfLastRead) throws IOException {
        // The line of each text read, kept only until its embedding is written (at most one chunk).
        java.util.ArrayDeque<Long> lines = new java.util.ArrayDeque<>();
        Iterator<String> tracked = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return input.hasNext();
            }

            @Override
            public String next() {
                String text = input.next();
                lines.add(lineOfLastRead.getAsLong());
                return text;
            }
        };
        Writer target = output != null ? Files.newBufferedWriter(output, StandardCharsets.UTF_8) : spec.commandLine().getOut();
        boolean progress = file != null;
        try (ProgressBar bar = progress ? EnergyCommand.progress("embed", -1) : null;
                JsonGenerator json = new JsonFactory().createGenerator(target)) {
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, output != null);
            json.setRootValueSeparator(null); // each object ends its own line
            long[] index = {0};
            embedder.embed(tracked, e -> {
                try {
                    writeOne(json, index[0], lines.poll(), e);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
                index[0]++;
                if (bar != null && index[0] % PROGRESS_EVERY == 0) {
                    bar.stepTo(index[0]);
                }
            });
            if (bar != null) {
                bar.stepTo(index[0]);
            }
            json.flush();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (output == null) {
            spec.commandLine().getOut().flush();
        }
    }

    private void writeOne(JsonGenerator json, long index, Long line, TextEmbedding e) throws IOException {
        json.writeStartObject();
        json.writeNumberField("index", index);
        if (file != null && line != null) {
            json.writeNumberField("line", line);
        }
        json.writeNumberField("tokens", e.tokens());
        json.writeArrayFieldStart("embedding");
        for (float x : e.vector()) {
            json.writeNumber(x);
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeRaw('\n');
    }
}
