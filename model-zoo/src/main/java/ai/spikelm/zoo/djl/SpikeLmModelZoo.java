package ai.spikelm.zoo.djl;

import ai.djl.repository.Repository;
import ai.djl.repository.zoo.BaseModelLoader;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelZoo;
import java.util.Set;

/**
 * The {@code ai.spikelm} model zoo: its artifact ids are Hugging Face model ids.
 *
 * <pre>{@code
 * ModelZoo.getModelZoo("ai.spikelm")
 *         .getModelLoader("sentence-transformers/all-MiniLM-L6-v2")
 *         .loadModel(criteria);
 * }</pre>
 *
 * <p>is the same as {@code optModelUrls("hf://sentence-transformers/all-MiniLM-L6-v2")}.
 */
public class SpikeLmModelZoo extends ModelZoo {

    /** The zoo's group id. */
    public static final String GROUP_ID = "ai.spikelm";

    /** {@inheritDoc} */
    @Override
    public String getGroupId() {
        return GROUP_ID;
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> getSupportedEngines() {
        return Set.of("PyTorch");
    }

    /** {@inheritDoc} */
    @Override
    public ModelLoader getModelLoader(String modelId) {
        Repository repository = Repository.newInstance(modelId, HfRepositoryFactory.SCHEME + "://" + modelId);
        return new BaseModelLoader(repository.getResources().get(0));
    }
}
