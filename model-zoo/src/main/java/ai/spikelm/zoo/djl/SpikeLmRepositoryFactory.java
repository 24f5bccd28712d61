package ai.spikelm.zoo.djl;

import ai.djl.repository.Repository;
import ai.djl.repository.RepositoryFactory;
import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import java.net.URI;
import java.util.Set;

/**
 * The {@code spikelm://} URL scheme for {@code Criteria.optModelUrls}: the models SpikeLM reads
 * from the class path, with nothing downloaded. One so far, {@value EmbeddedMiniLm#DJL_URL} (the
 * real all-MiniLM-L6-v2 weights, see {@link EmbeddedMiniLm}); like {@code hf://}, it needs no
 * translator factory or options, and {@code timeSteps} converts it to SpikeLM on load. The model
 * is converted into a folder when it is loaded ({@code Criteria.loadModel()}). Registered through
 * {@code META-INF/services}.
 */
public class SpikeLmRepositoryFactory implements RepositoryFactory {

    /** The URL scheme. */
    public static final String SCHEME = "spikelm";

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
        if (!spec.equalsIgnoreCase(EmbeddedMiniLm.NAME)) {
            throw new IllegalArgumentException(
                    "Unknown embedded model " + uri + ": the spikelm:// scheme has " + EmbeddedMiniLm.DJL_URL
                            + "; Hub models are hf://org/name, local folders hf:///absolute/path");
        }
        return new DeferredHfRepository(name, uri, EmbeddedMiniLm.NAME, EmbeddedMiniLm::directory);
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> getSupportedScheme() {
        return Set.of(SCHEME);
    }
}
