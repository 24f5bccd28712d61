package ai.spikelm.server;

import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelFamily;
import ai.spikelm.zoo.family.ModelKind;
import ai.spikelm.zoo.family.UnsupportedModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The one place where a {@link ModelSpec} becomes a served model. The folder's {@code config.json}
 * names its family in the registry ({@link ModelFamilies}); a family that generates text (causal LM
 * or encoder-decoder) serves chat and completions, one with an encoder serves embeddings. Each model
 * is loaded once, through the registry, by the service that serves it.
 */
final class ModelLoader {

    private ModelLoader() {}

    /**
     * Loads a model.
     *
     * @throws IllegalArgumentException if the folder is of no family, or of one that neither
     *     embeds nor generates
     * @throws UncheckedIOException if it cannot be read
     */
    static ServedModel load(ModelSpec spec, Batching batching, ServerLimits limits, ServerMetrics metrics) {
        Path dir;
        ModelFamily family;
        try {
            dir = spec.directory();
            family = ModelFamilies.forModel(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (UnsupportedModelException e) {
            throw new UnsupportedModelException("Model '" + spec.name() + "': " + e.getMessage());
        }
        Set<ModelKind> kinds = family.kinds();
        if (kinds.contains(ModelKind.CAUSAL_LM) || kinds.contains(ModelKind.SEQ2SEQ)) {
            return new DecoderService(spec, dir, limits.queueCapacity(), metrics);
        }
        if (kinds.contains(ModelKind.ENCODER)) {
            return EncoderService.load(spec, dir, batching, limits.queueCapacity(), metrics);
        }
        throw new UnsupportedModelException("Model '" + spec.name() + "': " + dir + " is " + family.modelType() + " ("
                + family.displayName() + "), which neither embeds nor generates text; served are "
                + ModelFamilies.knownFor(ModelKind.ENCODER) + " (embeddings), " + ModelFamilies.knownFor(ModelKind.CAUSAL_LM)
                + ", " + ModelFamilies.knownFor(ModelKind.SEQ2SEQ) + " (chat, completions)");
    }
}
