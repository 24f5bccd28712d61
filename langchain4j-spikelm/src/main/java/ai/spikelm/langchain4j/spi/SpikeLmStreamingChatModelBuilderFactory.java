package ai.spikelm.langchain4j.spi;

import ai.spikelm.langchain4j.SpikeLmStreamingChatModel;
import java.util.function.Supplier;

/**
 * A service (in {@code META-INF/services}) that supplies the builder {@link
 * SpikeLmStreamingChatModel#builder()} returns, as LangChain4j providers do.
 */
public interface SpikeLmStreamingChatModelBuilderFactory extends Supplier<SpikeLmStreamingChatModel.Builder> {}
