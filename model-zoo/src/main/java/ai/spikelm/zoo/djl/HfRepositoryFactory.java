package ai.spikelm.zoo.djl;

import ai.djl.repository.Repository;
import ai.djl.repository.RepositoryFactory;
import ai.spikelm.zoo.hub.ModelLocator;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code hf://} URL scheme for {@code Criteria.optModelUrls}: {@code hf://org/name[@revision]}
 * downloads a model through the Hugging Face cache ({@link ModelLocator}, honouring {@code
 * HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HOME}, {@code HF_HUB_OFFLINE}); {@code
 * hf:///absolute/path} reads a local Hugging Face-layout folder. A model is downloaded when it
 * is loaded ({@code Criteria.loadModel()}, whose {@code IOException} carries any Hub failure), not
 * when the {@code Criteria} is built. Registered through {@code META-INF/services}.
 */
public class HfRepositoryFactory implements RepositoryFactory {

    /** The URL scheme. */
    public static final String SCHEME = "hf";

    /** {@inheritDoc} */
    @Override
    public Repository newInstance(String name, URI uri) {
        String spec = uri.getSchemeSpecificPart();
        if (spec.startsWith("//")) {
            spec = spec.substring(2);
        }
        int query = spec.indexOf('?');
        if (query >= 0) {
            spec = spec.substring(0, query);
        }
        if (spec.isEmpty()) {
            throw new IllegalArgumentException("hf:// URL names no model: " + uri);
        }
        if (spec.startsWith("/")) {
            return new HfRepository(name, uri, Path.of(spec));
        }
        String modelOrPath = spec;
        String artifactId = spec.substring(spec.lastIndexOf('/') + 1).replaceFirst("@.*", "");
        // The download happens in loadModel(), which reports its failures as IOExceptions.
        return new DeferredHfRepository(name, uri, artifactId, () -> ModelLocator.fromEnvironment().resolve(modelOrPath));
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> getSupportedScheme() {
        return Set.of(SCHEME);
    }
}
