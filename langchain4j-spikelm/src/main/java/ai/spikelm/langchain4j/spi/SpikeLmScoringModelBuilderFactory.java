package ai.spikelm.langchain4j.spi;

import ai.spikelm.langchain4j.SpikeLmScoringModel;
import java.util.function.Supplier;

/**
 * A service (in {@code META-INF/services}) that supplies the builder {@link
 * SpikeLmScoringModel#builder()} returns, as LangChain4j providers do.
 */
public interface SpikeLmScoringModelBuilderFactory extends Supplier<SpikeLmScoringModel.Builder> {}
