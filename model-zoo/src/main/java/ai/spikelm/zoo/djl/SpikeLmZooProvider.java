package ai.spikelm.zoo.djl;

import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooProvider;

/** Registers the {@link SpikeLmModelZoo} with DJL (through {@code META-INF/services}). */
public class SpikeLmZooProvider implements ZooProvider {

    /** {@inheritDoc} */
    @Override
    public ModelZoo getModelZoo() {
        return new SpikeLmModelZoo();
    }
}
