package ai.spikelm.zoo.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.core.WeightsMismatchException;
import ai.spikelm.zoo.weights.HostTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What every SpikeLM-GPT-2 model shares (Hugging Face's {@code GPT2PreTrainedModel}): the config,
 * initialisation and weights in Hugging Face names.
 *
 * <p>Inputs of the DJL forward pass: {@code input_ids [B, L]} (integers) and optionally {@code
 * attention_mask [B, L]} (1 keep, 0 padding; default all ones). Positions are 0 … L−1.
 */
public abstract class SpikeGpt2PreTrainedModel extends AbstractBlock implements TrainableModel {

    /** The Hugging Face prefix of the transformer inside a model with a head. */
    public static final String TRANSFORMER_PREFIX = "transformer.";

    /** The tied LM head's tensor, written by some checkpoints as a copy of the word embeddings. */
    public static final String LM_HEAD_WEIGHT = "lm_head.weight";

    /** Causal-mask buffers that old GPT-2 checkpoints store: {@code h.N.attn.bias}, {@code .masked_bias}. */
    private static final Pattern ATTENTION_BUFFERS =
            Pattern.compile("(transformer\\.)?h\\.\\d+\\.attn\\.(bias|masked_bias)");

    private final SpikeGpt2Config config;

    /**
     * Creates the model for a config; subclasses add their blocks, {@code initialize} their parameters.
     *
     * @param config the model sizes and SpikeLM settings
     */
    protected SpikeGpt2PreTrainedModel(SpikeGpt2Config config) {
        this.config = config;
    }

    /** {@inheritDoc} (input_ids, attention_mask) */
    @Override
    public NDList inputs(EncodedBatch batch, NDManager manager) {
        return new NDList(manager.create(batch.inputIds()), manager.create(batch.attentionMask()));
    }

    /** {@inheritDoc} Same as {@link SpikeGpt2Loader#save}. */
    @Override
    public void save(Path dir) throws IOException {
        SpikeGpt2Loader.save(this, dir);
    }

    /**
     * Returns the config.
     *
     * @return the config
     */
    public SpikeGpt2Config getConfig() {
        return config;
    }

    /**
     * Returns the transformer (this model itself for {@link SpikeGpt2Model}).
     *
     * @return the base model
     */
    public abstract SpikeGpt2Model getTransformer();

    /**
     * Returns the Hugging Face architecture name written to {@code config.json}.
     *
     * @return for example {@code GPT2LMHeadModel}
     */
    @Override
    public abstract String architecture();

    /** {@inheritDoc} */
    @Override
    public ModelShape shape() {
        return new ModelShape(config.vocabSize(), config.nPositions(), config.nEmbd(), config.nLayer(), config.nHead());
    }

    /** {@inheritDoc} */
    @Override
    public SpikingConfig spiking() {
        return config.spiking();
    }

    /**
     * Returns the prefix of the transformer's parameter names: {@code "transformer."} for a model
     * with a head, empty for the bare transformer.
     *
     * @return the prefix
     */
    protected String basePrefix() {
        return TRANSFORMER_PREFIX;
    }

    /**
     * Initialises all parameters as Hugging Face does: weights from N(0, initializer_range²), the
     * residual projections ({@code c_proj}) from N(0, (initializer_range/√(2·n_layer))²), biases 0,
     * LayerNorm 1 and 0.
     *
     * @param manager the manager that will own the parameters
     */
    public void initialize(NDManager manager) {
        setInitializer(new NormalInitializer(config.initializerRange()), Parameter.Type.WEIGHT);
        Shape tokens = new Shape(1, 1);
        initialize(manager, DataType.FLOAT32, tokens);
        float scale = (float) (1 / Math.sqrt(2.0 * config.nLayer()));
        for (var entry : HfWeights.parameters(this).entrySet()) {
            if (entry.getKey().endsWith("c_proj.weight")) {
                NDArray w = entry.getValue().getArray();
                w.muli(scale);
            }
        }
    }

    /**
     * Loads Hugging Face weights. Names may carry the {@code transformer.} prefix or not, whatever
     * this model's layout. The causal-mask buffers of old checkpoints ({@code h.N.attn.bias}, {@code
     * h.N.attn.masked_bias}) are ignored, and so is {@code lm_head.weight} when it is a copy of
     * {@code wte.weight} (the head is tied); an {@code lm_head.weight} that differs is an untied head
     * this family does not have, and an error.
     *
     * @param checkpoint name → tensor
     * @throws WeightsMismatchException listing everything that does not fit
     */
    @Override
    public void loadWeights(Map<String, HostTensor> checkpoint) {
        boolean prefixed = checkpoint.keySet().stream().anyMatch(n -> n.startsWith(TRANSFORMER_PREFIX));
        Map<String, HostTensor> named = checkpoint;
        if (prefixed && basePrefix().isEmpty()) {
            named = HfWeights.renamePrefix(checkpoint, TRANSFORMER_PREFIX, "");
        } else if (!prefixed && !basePrefix().isEmpty()) {
            named = new LinkedHashMap<>();
            for (var e : checkpoint.entrySet()) {
                String name = e.getKey();
                named.put(name.equals(LM_HEAD_WEIGHT) ? name : basePrefix() + name, e.getValue());
            }
        }
        HostTensor lmHead = named.get(LM_HEAD_WEIGHT);
        if (lmHead != null) {
            checkTiedHead(lmHead, named.get(basePrefix() + "wte.weight"));
        }
        Predicate<String> unused = n -> n.equals(LM_HEAD_WEIGHT) || ATTENTION_BUFFERS.matcher(n).matches();
        HfWeights.load(this, named, n -> false, unused);
    }

    private void checkTiedHead(HostTensor lmHead, HostTensor wte) {
        if (wte == null) {
            return; // reported as missing by HfWeights
        }
        if (!Arrays.equals(lmHead.shape(), wte.shape())) {
            throw new WeightsMismatchException(
                    List.of(),
                    List.of(),
                    List.of(LM_HEAD_WEIGHT + " is " + Arrays.toString(lmHead.shape())
                            + ", the tied head needs the shape of wte.weight " + Arrays.toString(wte.shape())));
        }
        boolean same =
                lmHead.dtype() == wte.dtype()
                        ? lmHead.data().equals(wte.data())
                        : Arrays.equals(lmHead.toFloatArray(), wte.toFloatArray());
        if (!same) {
            throw new WeightsMismatchException(
                    List.of(),
                    List.of(),
                    List.of(LM_HEAD_WEIGHT + " differs from wte.weight: an untied LM head is not supported"
                            + " (SpikeLM-GPT-2 ties lm_head to the word embeddings)"));
        }
    }

    /**
     * Returns all weights (and SpikeLM calibration state) in Hugging Face names. The tied LM head
     * has no tensor of its own.
     *
     * @return name → tensor
     */
    public Map<String, HostTensor> exportWeights() {
        return HfWeights.export(this);
    }
}
