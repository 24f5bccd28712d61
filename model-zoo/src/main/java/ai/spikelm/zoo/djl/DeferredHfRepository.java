package ai.spikelm.zoo.djl;

import ai.djl.repository.Artifact;
import ai.djl.repository.MRL;
import ai.djl.repository.Metadata;
import ai.djl.repository.Repository;
import ai.djl.repository.zoo.DefaultModelZoo;
import ai.djl.util.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An {@link HfRepository} whose folder is found only when DJL first needs it, in {@code
 * Criteria.loadModel()}: building a {@code Criteria} with {@code optModelUrls} creates the
 * repository, and a download (or a conversion) there would fail or take its time in the wrong
 * call, outside the {@code IOException} that {@code loadModel} declares.
 */
final class DeferredHfRepository implements Repository {

    /** Finds the model folder: downloads it, or converts it. */
    @FunctionalInterface
    interface Locator {
        Path locate() throws IOException;
    }

    private final String name;
    private final URI uri;
    private final String artifactId;
    private final Locator locator;
    private HfRepository resolved;

    /**
     * Creates the repository.
     *
     * @param name the repository name
     * @param uri the URI it was named by
     * @param artifactId the model's name, as DJL reports it
     * @param locator finds the folder, once
     */
    DeferredHfRepository(String name, URI uri, String artifactId, Locator locator) {
        this.name = name;
        this.uri = uri;
        this.artifactId = artifactId;
        this.locator = locator;
    }

    private synchronized HfRepository resolved() throws IOException {
        if (resolved == null) {
            resolved = new HfRepository(name, uri, locator.locate());
        }
        return resolved;
    }

    /** {@inheritDoc} */
    @Override
    public boolean isRemote() {
        return false;
    }

    /** {@inheritDoc} */
    @Override
    public String getName() {
        return name;
    }

    /** {@inheritDoc} */
    @Override
    public URI getBaseUri() {
        return uri;
    }

    /** {@inheritDoc} */
    @Override
    public Metadata locate(MRL mrl) throws IOException {
        return resolved().locate(mrl);
    }

    /** {@inheritDoc} */
    @Override
    public Artifact resolve(MRL mrl, Map<String, String> filter) throws IOException {
        return resolved().resolve(mrl, filter);
    }

    /** {@inheritDoc} */
    @Override
    public InputStream openStream(Artifact.Item item, String path) throws IOException {
        return resolved().openStream(item, path);
    }

    /** {@inheritDoc} */
    @Override
    public Path getFile(Artifact.Item item, String path) throws IOException {
        return resolved().getFile(item, path);
    }

    /** {@inheritDoc} */
    @Override
    public String[] listDirectory(Artifact.Item item, String path) throws IOException {
        return resolved().listDirectory(item, path);
    }

    /** {@inheritDoc} */
    @Override
    public void prepare(Artifact artifact, Progress progress) throws IOException {
        resolved().prepare(artifact, progress);
    }

    /** {@inheritDoc} */
    @Override
    public Path getCacheDirectory() throws IOException {
        return resolved().getCacheDirectory();
    }

    /** {@inheritDoc} */
    @Override
    public Path getResourceDirectory(Artifact artifact) throws IOException {
        return resolved().getResourceDirectory(artifact);
    }

    /** {@inheritDoc} */
    @Override
    public List<MRL> getResources() {
        // Known without the folder: DJL asks for it when the Criteria is built.
        return List.of(MRL.undefined(this, DefaultModelZoo.GROUP_ID, artifactId));
    }

    /** {@inheritDoc} */
    @Override
    public void addResource(MRL mrl) {
        throw new IllegalArgumentException(getClass().getSimpleName() + " doesn't support addResource.");
    }
}
