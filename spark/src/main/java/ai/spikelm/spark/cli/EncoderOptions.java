package ai.spikelm.spark.cli;

import ai.spikelm.spark.EncoderSpec;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.text.EncoderPipeline;
import ai.spikelm.zoo.text.LongInputPolicy;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Which encoder a Spark command runs, as command-line options (the names and meanings of {@code
 * spikelm embed}'s). The batch size and window defaults are the command's, so each Spark command
 * runs as its single-process twin does.
 */
final class EncoderOptions {

    @Option(
            names = "--model",
            description = "A Hugging Face-layout directory (on a file system every executor sees) or Hub id org/name[@rev] "
                    + "(default: embedded all-MiniLM-L6-v2).")
    String model;

    @Option(
            names = {"-T", "--time-steps"},
            description = "Run as SpikeLM with T time steps (an ANN is converted and calibrated on the embedded sample text).")
    Integer timeSteps;

    @Option(names = "--ann", description = "Run as a plain ANN (no spikes).")
    boolean ann;

    @Option(names = "--pooling", defaultValue = "mean", description = "mean, cls, max or mean_sqrt_len (default ${DEFAULT-VALUE}).")
    String pooling;

    @Option(names = "--max-length", description = "Tokens per text, special tokens included (default: the command's).")
    Integer maxLength;

    @Option(
            names = "--long-inputs",
            defaultValue = "truncate",
            description = "Texts longer than --max-length: truncate, average_windows or reject (default ${DEFAULT-VALUE}).")
    String longInputs;

    @Option(names = "--batch-size", description = "Texts (windows) per forward pass (default: the command's).")
    Integer batchSize;

    @Option(
            names = "--max-batch-tokens",
            defaultValue = "" + EncoderPipeline.DEFAULT_MAX_BATCH_TOKENS,
            description = "At most this many rows × padded length per forward pass (default ${DEFAULT-VALUE}).")
    int maxBatchTokens;

    @Option(
            names = "--no-energy",
            description = "Do not count spikes and energy (counting takes spiking neurons off their one-pass path).")
    boolean noEnergy;

    /**
     * Returns the spec the options name.
     *
     * @param spec the command, for errors
     * @param defaultBatchSize the command's batch size
     * @param defaultMaxLength the command's window, or null for the model's positions
     * @return the encoder spec
     * @throws ParameterException naming the option if the options are inconsistent, out of range
     *     or name an unknown pooling or policy
     */
    EncoderSpec toSpec(CommandSpec spec, int defaultBatchSize, Integer defaultMaxLength) {
        if (ann && timeSteps != null) {
            throw new ParameterException(spec.commandLine(), "Give either --ann or -T, not both");
        }
        if (timeSteps != null && timeSteps < 1) {
            throw new ParameterException(spec.commandLine(), "-T must be at least 1, got " + timeSteps);
        }
        if (maxLength != null && maxLength < 2) {
            throw new ParameterException(spec.commandLine(), "--max-length must be at least 2, got " + maxLength);
        }
        if (batchSize != null && batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
        }
        if (maxBatchTokens < 1) {
            throw new ParameterException(spec.commandLine(), "--max-batch-tokens must be at least 1, got " + maxBatchTokens);
        }
        try {
            return EncoderSpec.builder()
                    .optModel(model)
                    .optTimeSteps(timeSteps)
                    .optAnn(ann)
                    .optPooling(Pooling.of(pooling))
                    .optMaxLength(maxLength != null ? maxLength : defaultMaxLength)
                    .optLongInputs(LongInputPolicy.of(longInputs))
                    .optBatchSize(batchSize != null ? batchSize : defaultBatchSize)
                    .optMaxBatchTokens(maxBatchTokens)
                    .optMeasureEnergy(!noEnergy)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
