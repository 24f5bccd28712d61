package ai.spikelm.zoo.bert;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.HfModelLoader;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.ServingProperties;
import ai.spikelm.zoo.weights.CheckpointReader;
import ai.spikelm.zoo.weights.HostTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads and saves SpikeLM-BERT models in Hugging Face layout: {@code config.json} and {@code
 * model.safetensors} (or a sharded index); saving also writes DJL's {@code serving.properties}.
 *
 * <pre>{@code
 * SpikeBertPreTrainedModel model = SpikeBertLoader.builder()
 *         .setModelDir(dir)
 *         .optSpiking(SpikingConfig.builder().optTimeSteps(4).build())   // convert an ANN
 *         .build()
 *         .load(manager);
 * }</pre>
 *
 * <p>Loading is strict by default: every parameter must be in the checkpoint with the right shape,
 * and nothing unknown may be. {@code optArchitecture} puts another head on the encoder ({@code
 * optAllowNewHead(true)} lets that head start from random values).
 */
public final class SpikeBertLoader extends HfModelLoader {

    private final Map<Integer, String> id2label;
    private final String problemType;
    private final boolean allowNewHead;
    private final Pooling classifierPooling;
    private final PairEncoding pairEncoding;

    private SpikeBertLoader(Builder b) {
        super(b);
        this.id2label = b.id2label;
        this.problemType = b.problemType;
        this.classifierPooling = b.classifierPooling;
        this.pairEncoding = b.pairEncoding;
        this.allowNewHead = b.allowNewHead;
    }

    /**
     * Reads the config the model will have: the saved one with this loader's overrides.
     *
     * @return the config
     * @throws IOException if {@code config.json} cannot be read
     */
    public SpikeBertConfig config() throws IOException {
        SpikeBertConfig.Builder b = SpikeBertConfig.load(configFile()).toBuilder();
        if (spiking() != null) {
            b.optSpiking(spiking());
        }
        if (id2label != null) {
            b.optId2label(id2label);
        }
        if (problemType != null) {
            b.optProblemType(problemType);
        }
        if (classifierPooling != null) {
            b.optClassifierPooling(classifierPooling);
        }
        if (pairEncoding != null) {
            b.optPairEncoding(pairEncoding);
        }
        if (architecture() != null) {
            b.optArchitectures(List.of(architecture()));
        }
        return b.build();
    }

    /**
     * Builds the model, initialises it on {@code manager} and loads the weights.
     *
     * @param manager the manager that will own the parameters
     * @return the model
     * @throws IOException if a file cannot be read or is malformed
     * @throws ai.spikelm.zoo.core.InvalidConfigException if the config is invalid
     * @throws ai.spikelm.zoo.core.WeightsMismatchException if the weights do not fit
     */
    public SpikeBertPreTrainedModel load(NDManager manager) throws IOException {
        SpikeBertConfig config = config();
        try (CheckpointReader checkpoint = openCheckpoint()) {
            checkCost(config.cost(), checkpoint);
            Map<String, HostTensor> tensors = checkpoint.tensors();
            // A bare encoder has a pooler exactly when its checkpoint has one (sentence encoders don't).
            boolean pooler = tensors.keySet().stream().anyMatch(n -> n.endsWith("pooler.dense.weight"));
            SpikeBertPreTrainedModel model = SpikeBert.create(config, SpikeBert.architecture(config), pooler);
            model.initialize(manager);
            model.loadWeights(tensors, allowNewHead);
            return model;
        }
    }

    /**
     * Saves a model as {@code config.json} + {@code model.safetensors} (with its SpikeLM
     * amplitudes and calibrated flags) and DJL's {@code serving.properties}.
     *
     * @param model an initialised model
     * @param dir the directory, created if needed
     * @throws IOException if a file cannot be written
     */
    public static void save(SpikeBertPreTrainedModel model, Path dir) throws IOException {
        SpikeBertConfig config =
                model.getConfig().toBuilder().optArchitectures(List.of(model.architecture())).build();
        writeWeights(dir, model.exportWeights());
        config.save(dir);
        ServingProperties.write(dir);
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link SpikeBertLoader}: {@code optArchitecture} takes any SpikeLM-BERT architecture,
     * for example {@code BertForSequenceClassification}.
     */
    public static final class Builder extends HfModelLoader.Builder<SpikeBertLoader, Builder> {
        private Map<Integer, String> id2label;
        private String problemType;
        private boolean allowNewHead;
        private Pooling classifierPooling;
        private PairEncoding pairEncoding;

        Builder() {}

        /**
         * Sets the labels of a classification head.
         *
         * @param id2label id → label
         * @return this builder
         */
        public Builder optId2label(Map<Integer, String> id2label) {
            this.id2label = id2label;
            return this;
        }

        /**
         * Sets the problem type of a classification head ({@code regression} for one output).
         *
         * @param problemType the Hugging Face problem type
         * @return this builder
         */
        public Builder optProblemType(String problemType) {
            this.problemType = problemType;
            return this;
        }

        /**
         * Sets what the pooler reads, overriding the saved {@code classifier_pooling}; the saved
         * model then keeps the new value.
         *
         * @param pooling {@link Pooling#CLS} or {@link Pooling#MEAN}, or null for the saved one
         * @return this builder
         */
        public Builder optClassifierPooling(Pooling pooling) {
            this.classifierPooling = pooling;
            return this;
        }

        /**
         * Sets how a classifier reads sentence pairs, overriding the saved {@code pair_encoding};
         * a head of another encoding does not fit the saved one, so combine it with {@link
         * #optAllowNewHead}.
         *
         * @param encoding the pair encoding, or null for the saved one
         * @return this builder
         */
        public Builder optPairEncoding(PairEncoding encoding) {
            this.pairEncoding = encoding;
            return this;
        }

        /**
         * Lets the model's head (and pooler) be missing from the checkpoint.
         *
         * @param allow true to allow a freshly initialised head
         * @return this builder
         */
        public Builder optAllowNewHead(boolean allow) {
            this.allowNewHead = allow;
            return this;
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /** {@inheritDoc} */
        @Override
        protected SpikeBertLoader create() {
            return new SpikeBertLoader(this);
        }

        /** {@inheritDoc} */
        @Override
        protected String loaderName() {
            return "SpikeBertLoader";
        }
    }
}
