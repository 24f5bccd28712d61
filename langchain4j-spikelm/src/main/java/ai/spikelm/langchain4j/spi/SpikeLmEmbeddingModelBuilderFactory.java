package ai.spikelm.langchain4j.spi;

import ai.spikelm.langchain4j.SpikeLmEmbeddingModel;
import java.util.function.Supplier;

/**
 * A service (in {@code META-INF/services}) that supplies the builder {@link
 * SpikeLmEmbeddingModel#builder()} returns, so frameworks can preset it, as LangChain4j providers
 * do.
 */
public interface SpikeLmEmbeddingModelBuilderFactory extends Supplier<SpikeLmEmbeddingModel.Builder> {}
