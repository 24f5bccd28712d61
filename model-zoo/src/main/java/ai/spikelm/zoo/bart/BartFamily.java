package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamily;
import ai.spikelm.zoo.family.ModelKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * SpikeLM-BART in the family registry ({@code model_type: bart}): an encoder-decoder, loaded as
 * {@code BartForConditionalGeneration} for {@link ModelKind#SEQ2SEQ}. It is not an {@link
 * ModelKind#ENCODER} for sentence embeddings: loaders asked for one refuse it with the families that
 * have one. New models ({@link #create}) split {@code layers} evenly between encoder and decoder,
 * with feed-forward width 4 × hidden and BART's special ids (bos 0, pad 1, eos and decoder start 2).
 */
public final class BartFamily implements ModelFamily {

    /** Creates the family (for {@link java.util.ServiceLoader}). */
    public BartFamily() {}

    /** {@inheritDoc} */
    @Override
    public String modelType() {
        return SpikeBartConfig.MODEL_TYPE;
    }

    /** {@inheritDoc} */
    @Override
    public String displayName() {
        return "SpikeLM-BART";
    }

    /** {@inheritDoc} */
    @Override
    public Set<ModelKind> kinds() {
        return Set.of(ModelKind.SEQ2SEQ);
    }

    /** {@inheritDoc} */
    @Override
    public SpikingConfig savedSpiking(Path configJson) throws IOException {
        return SpikeBartConfig.load(configJson).spiking();
    }

    /** {@inheritDoc} */
    @Override
    public TrainableModel load(LoadRequest request, NDManager manager) throws IOException {
        String architecture =
                request.kind() == ModelKind.SEQ2SEQ ? "BartForConditionalGeneration" : request.architecture();
        return SpikeBartLoader.builder()
                .setModelDir(request.modelDir())
                .optSpiking(request.spiking(savedSpiking(request.configFile())))
                .optArchitecture(architecture)
                .optAllowPickle(request.allowPickle())
                .build()
                .load(manager);
    }

    /** {@inheritDoc} A {@code BartForConditionalGeneration} without dropout. */
    @Override
    public TrainableModel create(ModelKind kind, ModelShape shape, SpikingConfig spiking, NDManager manager) {
        if (kind != ModelKind.SEQ2SEQ) {
            return ModelFamily.super.create(kind, shape, spiking, manager);
        }
        if (shape.layers() % 2 != 0) {
            throw new IllegalArgumentException(
                    "SpikeLM-BART splits layers between encoder and decoder: give an even number, got " + shape.layers());
        }
        int half = shape.layers() / 2;
        SpikeBartConfig config = SpikeBartConfig.builder()
                .optVocabSize(shape.vocabSize())
                .optMaxPositionEmbeddings(shape.maxPositions())
                .optDModel(shape.hiddenSize())
                .optLayers(half, half)
                .optAttentionHeads(shape.heads(), shape.heads())
                .optFfnDims(4 * shape.hiddenSize(), 4 * shape.hiddenSize())
                .optDropout(0f)
                .optAttentionDropout(0f)
                .optActivationDropout(0f)
                .optSpiking(spiking)
                .build();
        SpikeBartForConditionalGeneration model = new SpikeBartForConditionalGeneration(config);
        model.initialize(manager);
        return model;
    }
}
