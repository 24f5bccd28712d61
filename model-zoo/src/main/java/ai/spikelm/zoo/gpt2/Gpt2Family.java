package ai.spikelm.zoo.gpt2;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.TrainableModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamily;
import ai.spikelm.zoo.family.ModelKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * SpikeLM-GPT-2 in the family registry ({@code model_type: gpt2}): a causal language model, loaded
 * as {@code GPT2LMHeadModel} for {@link ModelKind#CAUSAL_LM}. New models ({@link #create}) have
 * their last id as the end-of-text token, as GPT-2's vocabulary and the byte-level tokenizer of
 * {@link #newTokenizerJson()} do.
 */
public final class Gpt2Family implements ModelFamily {

    /** Creates the family (for {@link java.util.ServiceLoader}). */
    public Gpt2Family() {}

    /** {@inheritDoc} */
    @Override
    public String modelType() {
        return SpikeGpt2Config.MODEL_TYPE;
    }

    /** {@inheritDoc} */
    @Override
    public String displayName() {
        return "SpikeLM-GPT-2";
    }

    /** {@inheritDoc} */
    @Override
    public Set<ModelKind> kinds() {
        return Set.of(ModelKind.CAUSAL_LM);
    }

    /** {@inheritDoc} */
    @Override
    public SpikingConfig savedSpiking(Path configJson) throws IOException {
        return SpikeGpt2Config.load(configJson).spiking();
    }

    /** {@inheritDoc} */
    @Override
    public TrainableModel load(LoadRequest request, NDManager manager) throws IOException {
        String architecture = request.kind() == ModelKind.CAUSAL_LM ? "GPT2LMHeadModel" : request.architecture();
        return SpikeGpt2Loader.builder()
                .setModelDir(request.modelDir())
                .optSpiking(request.spiking(savedSpiking(request.configFile())))
                .optArchitecture(architecture)
                .optAllowPickle(request.allowPickle())
                .build()
                .load(manager);
    }

    /** {@inheritDoc} A {@code GPT2LMHeadModel} without dropout. */
    @Override
    public TrainableModel create(ModelKind kind, ModelShape shape, SpikingConfig spiking, NDManager manager) {
        if (kind != ModelKind.CAUSAL_LM) {
            return ModelFamily.super.create(kind, shape, spiking, manager);
        }
        int endOfText = shape.vocabSize() - 1;
        SpikeGpt2Config config = SpikeGpt2Config.builder()
                .optVocabSize(shape.vocabSize())
                .optNPositions(shape.maxPositions())
                .optNEmbd(shape.hiddenSize())
                .optNLayer(shape.layers())
                .optNHead(shape.heads())
                .optBosTokenId(endOfText)
                .optEosTokenId(endOfText)
                .optDropout(0f)
                .optSpiking(spiking)
                .build();
        SpikeGpt2LMHeadModel model = new SpikeGpt2LMHeadModel(config);
        model.initialize(manager);
        return model;
    }

    /** {@inheritDoc} The byte-level tokenizer: 256 bytes and {@code <|endoftext|>}, 257 ids. */
    @Override
    public Optional<String> newTokenizerJson() {
        return Optional.of(Gpt2TokenizerJson.byteLevel());
    }
}
