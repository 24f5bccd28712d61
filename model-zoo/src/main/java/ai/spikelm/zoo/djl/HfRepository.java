package ai.spikelm.zoo.djl;

import ai.djl.repository.Artifact;
import ai.djl.repository.MRL;
import ai.djl.repository.Metadata;
import ai.djl.repository.SimpleRepository;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * A local Hugging Face-layout model directory as a DJL repository, with the SpikeLM block and
 * translator factories and the {@code hasParameter=false} option preset on its artifact, so that
 * {@code Criteria} needs nothing else.
 */
public class HfRepository extends SimpleRepository {

    /** The arguments every SpikeLM model needs. */
    static final Map<String, String> ARGUMENTS =
            Map.of(
                    "engine", "PyTorch",
                    "blockFactory", SpikeLmBlockFactory.class.getName(),
                    "translatorFactory", SpikeLmTranslatorFactory.class.getName());

    /** The options every SpikeLM model needs: its weights are not DJL parameter files. */
    static final Map<String, String> OPTIONS = Map.of("hasParameter", "false");

    /**
     * Creates the repository.
     *
     * @param name the repository name
     * @param uri the URI it was named by
     * @param dir the model directory
     */
    public HfRepository(String name, URI uri, Path dir) {
        super(name, uri, dir);
    }

    /** {@inheritDoc} */
    @Override
    public Metadata locate(MRL mrl) throws IOException {
        Metadata metadata = super.locate(mrl);
        for (Artifact artifact : metadata.getArtifacts()) {
            ARGUMENTS.forEach(artifact.getArguments()::putIfAbsent);
            artifact.setOptions(new java.util.HashMap<>(artifact.getOptions(OPTIONS)));
        }
        return metadata;
    }
}
