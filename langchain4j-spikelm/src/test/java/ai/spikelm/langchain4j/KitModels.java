package ai.spikelm.langchain4j;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes, after each test, the models a LangChain4j kit asks for through its factory methods
 * ({@code createModelWith}, listener and failing models): the kits never close them, and each
 * holds native memory. Models from parameterized sources are closed by JUnit itself.
 */
final class KitModels implements AfterEachCallback {

    private static final List<AutoCloseable> OPEN = new CopyOnWriteArrayList<>();

    /**
     * Registers a model to close after the current test.
     *
     * @param model the model
     * @param <T> its type
     * @return the model
     */
    static <T extends AutoCloseable> T closedAfterTest(T model) {
        OPEN.add(model);
        return model;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (AutoCloseable model : OPEN) {
            model.close();
        }
        OPEN.clear();
    }
}
