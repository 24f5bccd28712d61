package ai.spikelm.zoo.bart;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What every SpikeLM-BART model shares (Hugging Face's {@code BartPreTrainedModel}): the config,
 * initialisation and weights in Hugging Face names.
 *
 * <p>Inputs of the DJL forward pass: {@code input_ids [B, S], decoder_input_ids [B, L]}, or {@code
 * input_ids, attention_mask [B, S], decoder_input_ids [, decoder_attention_mask [B, L]]} (masks: 1
 * keep, 0 padding). Positions are 0 … S−1 and 0 … L−1 (rows 2 … of {@code embed_positions}).
 *
 * <p>From one tokenised batch ({@link #inputs}) the model makes what BART was pre-trained on, the
 * reconstruction of its input: the text is the source, and the decoder reads the same text shifted
 * right by {@code decoder_start_token_id}. Source and decoder then have the same real positions, so
 * one attention mask describes every spike site's input, which is what calibration over real
 * positions needs ({@link ai.spikelm.zoo.core.Calibration}).
 */
public abstract class SpikeBartPreTrainedModel extends AbstractBlock implements TrainableModel {

    /** The Hugging Face prefix of the encoder-decoder inside a model with a head. */
    public static final String MODEL_PREFIX = "model.";

    /** The tied LM head's tensor, written by some checkpoints as a copy of the shared embeddings. */
    public static final String LM_HEAD_WEIGHT = "lm_head.weight";

    /** The logits bias of {@code BartForConditionalGeneration} (a buffer, zeros in released models). */
    public static final String FINAL_LOGITS_BIAS = "final_logits_bias";

    /** Tensors tied to {@code shared.weight} that checkpoints may carry as copies (names without {@code model.}). */
    private static final List<String> TIED_COPIES = List.of("encoder.embed_tokens.weight", "decoder.embed_tokens.weight");

    private final SpikeBartConfig config;

    /**
     * Creates the model's common part.
     *
     * @param config the config
     */
    protected SpikeBartPreTrainedModel(SpikeBartConfig config) {
        this.config = config;
    }

    /**
     * Returns the config.
     *
     * @return the config
     */
    public SpikeBartConfig getConfig() {
        return config;
    }

    /**
     * Returns the encoder-decoder (this model itself for {@link SpikeBartModel}).
     *
     * @return the base model
     */
    public abstract SpikeBartModel getModel();

    /**
     * Returns the Hugging Face architecture name written to {@code config.json}.
     *
     * @return for example {@code BartForConditionalGeneration}
     */
    @Override
    public abstract String architecture();

    /** {@inheritDoc} */
    @Override
    public ModelShape shape() {
        return new ModelShape(
                config.vocabSize(),
                config.maxPositionEmbeddings(),
                config.dModel(),
                config.encoderLayers() + config.decoderLayers(),
                config.encoderAttentionHeads());
    }

    /** {@inheritDoc} */
    @Override
    public SpikingConfig spiking() {
        return config.spiking();
    }

    /**
     * {@inheritDoc} (input_ids, attention_mask, decoder_input_ids, decoder_attention_mask): the batch
     * is the source, and the decoder reads it shifted right by {@code decoder_start_token_id}, with
     * the source's mask.
     *
     * @throws IllegalStateException if the config has no {@code decoder_start_token_id}
     */
    @Override
    public NDList inputs(EncodedBatch batch, NDManager manager) {
        Integer start = config.decoderStartTokenId();
        if (start == null) {
            throw new IllegalStateException("The config has no decoder_start_token_id: the decoder has no first token");
        }
        long[][] ids = batch.inputIds();
        long[][] shifted = new long[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            shifted[b] = new long[ids[b].length];
            shifted[b][0] = start;
            System.arraycopy(ids[b], 0, shifted[b], 1, ids[b].length - 1);
        }
        NDArray mask = manager.create(batch.attentionMask());
        return new NDList(manager.create(ids), mask, manager.create(shifted), mask);
    }

    /** {@inheritDoc} Same as {@link SpikeBartLoader#save}. */
    @Override
    public void save(Path dir) throws IOException {
        SpikeBartLoader.save(this, dir);
    }

    /**
     * Returns the prefix of the encoder-decoder's parameter names: {@code "model."} for a model with
     * a head, empty for the bare {@link SpikeBartModel}.
     *
     * @return the prefix
     */
    protected String basePrefix() {
        return MODEL_PREFIX;
    }

    /**
     * Initialises all parameters as Hugging Face does: weights and embeddings from N(0, init_std²)
     * with the padding row of {@code shared} zeroed, biases and {@code final_logits_bias} 0,
     * LayerNorm 1 and 0.
     *
     * @param manager the manager that will own the parameters
     */
    public void initialize(NDManager manager) {
        setInitializer(new NormalInitializer(config.initStd()), Parameter.Type.WEIGHT);
        Shape tokens = new Shape(1, 1);
        initialize(manager, DataType.FLOAT32, tokens, tokens);
        Integer pad = config.padTokenId();
        if (pad != null) {
            NDArray shared = getModel().getShared().getWeight().getArray();
            shared.set(new ai.djl.ndarray.index.NDIndex(pad), 0f);
        }
    }

    /**
     * Loads Hugging Face weights. Names may carry the {@code model.} prefix or not, whatever this
     * model's layout. Copies of the tied embeddings ({@code model.encoder.embed_tokens.weight},
     * {@code model.decoder.embed_tokens.weight}, {@code lm_head.weight}) are accepted when they equal
     * {@code model.shared.weight}; one that differs is an untied embedding this family does not
     * have, and an error. A missing {@code final_logits_bias} stays zero (a {@code BartModel}
     * checkpoint loads into the generation model), and a {@code BartModel} ignores it.
     *
     * @param checkpoint name → tensor
     * @throws WeightsMismatchException listing everything that does not fit
     */
    @Override
    public void loadWeights(Map<String, HostTensor> checkpoint) {
        boolean prefixed = checkpoint.keySet().stream().anyMatch(n -> n.startsWith(MODEL_PREFIX));
        Map<String, HostTensor> named = checkpoint;
        if (prefixed && basePrefix().isEmpty()) {
            named = HfWeights.renamePrefix(checkpoint, MODEL_PREFIX, "");
        } else if (!prefixed && !basePrefix().isEmpty()) {
            named = new LinkedHashMap<>();
            for (var e : checkpoint.entrySet()) {
                String name = e.getKey();
                boolean head = name.equals(LM_HEAD_WEIGHT) || name.equals(FINAL_LOGITS_BIAS);
                named.put(head ? name : basePrefix() + name, e.getValue());
            }
        }
        String sharedName = basePrefix() + "shared.weight";
        HostTensor shared = named.get(sharedName);
        List<String> copies = new ArrayList<>();
        copies.add(LM_HEAD_WEIGHT);
        TIED_COPIES.forEach(n -> copies.add(basePrefix() + n));
        for (String copy : copies) {
            HostTensor tensor = named.get(copy);
            if (tensor != null) {
                checkTied(copy, tensor, sharedName, shared);
            }
        }
        Set<String> unused = Set.copyOf(copies);
        Predicate<String> mayBeUnused = n -> unused.contains(n) || (basePrefix().isEmpty() && n.equals(FINAL_LOGITS_BIAS));
        HfWeights.load(this, named, n -> n.equals(FINAL_LOGITS_BIAS), mayBeUnused);
    }

    private static void checkTied(String name, HostTensor copy, String sharedName, HostTensor shared) {
        if (shared == null) {
            return; // reported as missing by HfWeights
        }
        if (!Arrays.equals(copy.shape(), shared.shape())) {
            throw new WeightsMismatchException(
                    List.of(),
                    List.of(),
                    List.of(name + " is " + Arrays.toString(copy.shape()) + ", the tied embedding needs the shape of "
                            + sharedName + " " + Arrays.toString(shared.shape())));
        }
        boolean same =
                copy.dtype() == shared.dtype()
                        ? copy.data().equals(shared.data())
                        : Arrays.equals(copy.toFloatArray(), shared.toFloatArray());
        if (!same) {
            throw new WeightsMismatchException(
                    List.of(),
                    List.of(),
                    List.of(name + " differs from " + sharedName + ": untied embeddings are not supported"
                            + " (SpikeLM-BART ties the encoder, decoder and LM head to model.shared)"));
        }
    }

    /**
     * Returns all weights (and SpikeLM calibration state) in Hugging Face names. The tied
     * embeddings and LM head have no tensors of their own.
     *
     * @return name → tensor
     */
    public Map<String, HostTensor> exportWeights() {
        return HfWeights.export(this);
    }
}
