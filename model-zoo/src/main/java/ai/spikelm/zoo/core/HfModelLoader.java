package ai.spikelm.zoo.core;

import ai.spikelm.zoo.weights.CheckpointReader;
import ai.spikelm.zoo.weights.HostTensor;
import ai.spikelm.zoo.weights.SafetensorsCheckpoint;
import ai.spikelm.zoo.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What the loaders of every model family share: the settings of a load (model directory,
 * architecture override, SpikeLM override, whether {@code pytorch_model.bin} may be read), opening
 * the checkpoint of a Hugging Face directory and writing the weights of a save.
 *
 * <p>The family loaders ({@code SpikeBertLoader}, {@code SpikeGpt2Loader}, {@code SpikeBartLoader})
 * extend it and keep what differs: the config type they read, the model they build and how strictly
 * its weights load. Their builders extend {@link Builder}, whose setters return the family's own
 * builder type so that family options chain after the shared ones.
 */
public abstract class HfModelLoader {

    /** The single weights file a save writes. */
    public static final String WEIGHTS_FILE = SafetensorsCheckpoint.SINGLE_FILE_NAME;

    private final Path modelDir;
    private final String architecture;
    private final SpikingConfig spiking;
    private final boolean allowPickle;

    /**
     * Creates a loader from its builder's shared settings.
     *
     * @param b the builder
     */
    protected HfModelLoader(Builder<?, ?> b) {
        this.modelDir = b.modelDir;
        this.architecture = b.architecture;
        this.spiking = b.spiking;
        this.allowPickle = b.allowPickle;
    }

    /**
     * Returns the model directory.
     *
     * @return the directory
     */
    protected final Path modelDir() {
        return modelDir;
    }

    /**
     * Returns the directory's {@code config.json}.
     *
     * @return the config file
     */
    protected final Path configFile() {
        return modelDir.resolve(ConfigJson.FILE_NAME);
    }

    /**
     * Returns the architecture to build instead of the saved one.
     *
     * @return the Hugging Face architecture name, or null to keep the saved one
     */
    protected final String architecture() {
        return architecture;
    }

    /**
     * Returns the SpikeLM settings that replace the saved ones.
     *
     * @return the settings, or null to keep the saved ones
     */
    protected final SpikingConfig spiking() {
        return spiking;
    }

    /**
     * Opens the directory's weights: safetensors (single or sharded), or {@code pytorch_model.bin}
     * through the restricted unpickler when the builder allowed it.
     *
     * @return the checkpoint; close it after loading
     * @throws IOException if no weights can be read or they are malformed
     */
    protected final CheckpointReader openCheckpoint() throws IOException {
        return SafetensorsCheckpoint.open(modelDir, allowPickle);
    }

    /**
     * Refuses, before anything is allocated, a config that implies more weights than the
     * checkpoint holds or more memory than the budget ({@link ModelCost}).
     *
     * @param cost what the config implies
     * @param checkpoint the open checkpoint (only its headers are read)
     * @throws InvalidConfigException naming {@code config.json}, the fields and the size
     */
    protected final void checkCost(ModelCost cost, CheckpointReader checkpoint) {
        cost.check(configFile(), checkpoint);
    }

    /**
     * Copies this loader's directory, SpikeLM override and pickle permission into another builder,
     * so that a family can reload the same directory as another architecture.
     *
     * @param <B> the builder type
     * @param b a fresh builder
     * @return {@code b}
     */
    protected final <B extends Builder<?, B>> B withSameSource(B b) {
        return b.setModelDir(modelDir).optSpiking(spiking).optAllowPickle(allowPickle);
    }

    /**
     * Writes a model's weights as {@code model.safetensors} (PyTorch metadata, as Hugging Face's
     * {@code save_pretrained} writes it), creating the directory if needed. The family writes its
     * {@code config.json} beside it.
     *
     * @param dir the model directory
     * @param weights name → tensor, in Hugging Face names
     * @throws IOException if the directory or file cannot be written
     */
    protected static void writeWeights(Path dir, Map<String, HostTensor> weights) throws IOException {
        Files.createDirectories(dir);
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), weights, Map.of("format", "pt"));
    }

    /**
     * Builds a family loader; the setters return the family's builder type {@code B}.
     *
     * @param <L> the loader type
     * @param <B> the builder type itself
     */
    public abstract static class Builder<L extends HfModelLoader, B extends Builder<L, B>> {
        private Path modelDir;
        private String architecture;
        private SpikingConfig spiking;
        private boolean allowPickle;

        /** Creates a builder with nothing set. */
        protected Builder() {}

        /**
         * Sets the model directory (required).
         *
         * @param modelDir a directory with {@code config.json} and the weights
         * @return this builder
         */
        public B setModelDir(Path modelDir) {
            this.modelDir = Objects.requireNonNull(modelDir);
            return self();
        }

        /**
         * Loads as another architecture than the saved one (for example {@code GPT2Model}, {@code
         * BartModel} or {@code BertForSequenceClassification}).
         *
         * @param architecture the Hugging Face architecture name, or null to keep the saved one
         * @return this builder
         */
        public B optArchitecture(String architecture) {
            this.architecture = architecture;
            return self();
        }

        /**
         * Replaces the SpikeLM settings (for example to convert an ANN checkpoint to T = 4).
         *
         * @param spiking the settings, or null to keep the saved ones
         * @return this builder
         */
        public B optSpiking(SpikingConfig spiking) {
            this.spiking = spiking;
            return self();
        }

        /**
         * Lets the loader read {@code pytorch_model.bin} when the directory has no safetensors
         * weights. The file is read by a restricted unpickler that accepts only tensor data and
         * refuses any other Python object; safetensors is still preferred when present.
         *
         * @param allow true to accept PyTorch checkpoints
         * @return this builder
         */
        public B optAllowPickle(boolean allow) {
            this.allowPickle = allow;
            return self();
        }

        /**
         * Builds the loader.
         *
         * @return the loader
         * @throws IllegalArgumentException without a model directory
         */
        public L build() {
            if (modelDir == null) {
                throw new IllegalArgumentException(loaderName() + " needs setModelDir(...)");
            }
            return create();
        }

        /**
         * Returns this builder as its own type.
         *
         * @return this
         */
        protected abstract B self();

        /**
         * Creates the loader once the shared settings are checked.
         *
         * @return the loader
         */
        protected abstract L create();

        /**
         * Returns the loader's class name, for error messages.
         *
         * @return for example {@code SpikeGpt2Loader}
         */
        protected abstract String loaderName();
    }
}
