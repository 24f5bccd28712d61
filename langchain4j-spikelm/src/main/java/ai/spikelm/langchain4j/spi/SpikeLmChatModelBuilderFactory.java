package ai.spikelm.langchain4j.spi;

import ai.spikelm.langchain4j.SpikeLmChatModel;
import java.util.function.Supplier;

/**
 * A service (in {@code META-INF/services}) that supplies the builder {@link
 * SpikeLmChatModel#builder()} returns, as LangChain4j providers do.
 */
public interface SpikeLmChatModelBuilderFactory extends Supplier<SpikeLmChatModel.Builder> {}
