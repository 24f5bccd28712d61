package ai.spikelm.examples.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.TokenizerFiles;
import ai.spikelm.zoo.corpus.TextLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Text input shared by the commands that run a model on text: one sequence per non-blank line. */
final class TextOptions {

    @Option(
            names = {"--text", "--calibration-text"},
            description = "Text file, one sequence per line (default: the embedded sample).")
    Path text;

    @Option(names = "--max-lines", defaultValue = "256", description = "Use at most this many lines (default ${DEFAULT-VALUE}).")
    int maxLines;

    @Option(names = "--batch-size", defaultValue = "8", description = "Sequences per batch (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-length", defaultValue = "128", description = "Truncate sequences to this many tokens (default ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(
            names = "--seq-len",
            description = "Pad or truncate every sequence to exactly this many tokens (energy per sequence at a fixed length, padding counted).")
    Integer sequenceLength;

    /**
     * Reads the first {@code --max-lines} non-blank lines (the embedded sample when no file is
     * given), streaming: a file is read no further than that.
     */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        if (text == null) {
            // The embedded sample (CalibrationSet.sample()): public-domain prose and plain sentences.
            for (String line : CalibrationSet.sampleLines()) {
                if (!line.isBlank() && lines.size() < maxLines) {
                    lines.add(line.strip());
                }
            }
        } else {
            try (TextLines file = TextLines.open(text, null)) {
                while (lines.size() < maxLines && file.hasNext()) {
                    lines.add(file.next().strip());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + text, e);
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("No text: " + (text != null ? text : "the embedded sample") + " has no non-blank line");
        }
        return lines;
    }

    /** Loads a tokenizer that truncates to {@link #maxLength}. */
    HuggingFaceTokenizer tokenizer(Path tokenizerJson) throws IOException {
        if (sequenceLength != null) {
            if (sequenceLength < 2) {
                throw new IllegalArgumentException("--seq-len must be at least 2, got " + sequenceLength);
            }
            return TokenizerFiles.load(tokenizerJson, b -> b.optTruncation(true).optMaxLength(sequenceLength).optPadToMaxLength());
        }
        return TokenizerFiles.load(tokenizerJson, b -> b.optTruncation(true).optMaxLength(maxLength).optPadding(false));
    }

    /** Tokenises the lines into padded batches. */
    List<EncodedBatch> batches(HuggingFaceTokenizer tokenizer) {
        List<String> lines = lines();
        List<EncodedBatch> batches = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += batchSize) {
            batches.add(EncodedBatch.encode(tokenizer, lines.subList(i, Math.min(lines.size(), i + batchSize))));
        }
        return batches;
    }
}
