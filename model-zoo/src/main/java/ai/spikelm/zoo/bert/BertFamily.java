package ai.spikelm.zoo.bert;

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
 * SpikeLM-BERT in the family registry ({@code model_type: bert}): an encoder, loaded as {@code
 * BertModel} for {@link ModelKind#ENCODER}, or as any SpikeLM-BERT architecture a request names
 * ({@code BertForSequenceClassification}, {@code BertForMaskedLM}, ...; a head the checkpoint lacks
 * starts random). New encoders ({@link #create}) have feed-forward width 4 × hidden and no pooler,
 * as sentence encoders do.
 */
public final class BertFamily implements ModelFamily {

    /** Creates the family (for {@link java.util.ServiceLoader}). */
    public BertFamily() {}

    /** {@inheritDoc} */
    @Override
    public String modelType() {
        return SpikeBertConfig.MODEL_TYPE;
    }

    /** {@inheritDoc} */
    @Override
    public String displayName() {
        return "SpikeLM-BERT";
    }

    /** {@inheritDoc} */
    @Override
    public Set<ModelKind> kinds() {
        return Set.of(ModelKind.ENCODER);
    }

    /** {@inheritDoc} */
    @Override
    public SpikingConfig savedSpiking(Path configJson) throws IOException {
        return SpikeBertConfig.load(configJson).spiking();
    }

    /** {@inheritDoc} */
    @Override
    public TrainableModel load(LoadRequest request, NDManager manager) throws IOException {
        String architecture = request.kind() == ModelKind.ENCODER ? "BertModel" : request.architecture();
        return SpikeBertLoader.builder()
                .setModelDir(request.modelDir())
                .optSpiking(request.spiking(savedSpiking(request.configFile())))
                .optArchitecture(architecture)
                .optAllowNewHead(architecture != null)
                .optAllowPickle(request.allowPickle())
                .build()
                .load(manager);
    }

    /** {@inheritDoc} A {@code BertModel} without pooler or dropout. */
    @Override
    public TrainableModel create(ModelKind kind, ModelShape shape, SpikingConfig spiking, NDManager manager) {
        if (kind != ModelKind.ENCODER) {
            return ModelFamily.super.create(kind, shape, spiking, manager);
        }
        SpikeBertConfig config = SpikeBertConfig.builder()
                .optVocabSize(shape.vocabSize())
                .optMaxPositionEmbeddings(shape.maxPositions())
                .optHiddenSize(shape.hiddenSize())
                .optNumHiddenLayers(shape.layers())
                .optNumAttentionHeads(shape.heads())
                .optIntermediateSize(4 * shape.hiddenSize())
                .optHiddenDropoutProb(0f)
                .optAttentionProbsDropoutProb(0f)
                .optSpiking(spiking)
                .build();
        SpikeBertModel model = new SpikeBertModel(config, false);
        model.initialize(manager);
        return model;
    }
}
