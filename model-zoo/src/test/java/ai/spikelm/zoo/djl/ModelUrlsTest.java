package ai.spikelm.zoo.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.hub.HubOfflineException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code hf://} and {@code spikelm://} URLs: a Hub model is fetched by {@code loadModel()}, not
 * when the {@code Criteria} is built, and its failures are that call's {@code IOException}; the
 * embedded model needs no translator factory; {@code intraOpThreads} sets PyTorch's threads.
 */
class ModelUrlsTest {

    @Test
    void hubFailuresComeFromLoadModelNotFromBuildingTheCriteria(@TempDir Path cache) {
        System.setProperty("HF_HUB_OFFLINE", "1");
        System.setProperty("HF_HUB_CACHE", cache.toString());
        try {
            Criteria<String, float[]> criteria =
                    Criteria.builder()
                            .setTypes(String.class, float[].class)
                            .optModelUrls("hf://acme/not-cached")
                            .optTranslatorFactory(new SpikeLmTranslatorFactory())
                            .build(); // no network, no exception
            IOException e = assertThrows(IOException.class, criteria::loadModel);
            assertTrue(e instanceof HubOfflineException || e.getCause() instanceof HubOfflineException, e.toString());
            assertTrue(e.getMessage().contains("HF_HUB_OFFLINE") && e.getMessage().contains("acme/not-cached"), e.getMessage());
        } finally {
            System.clearProperty("HF_HUB_OFFLINE");
            System.clearProperty("HF_HUB_CACHE");
        }
    }

    @Test
    void unknownEmbeddedModelsAreNamedWithTheOneThatExists() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Criteria.builder().setTypes(String.class, float[].class).optModelUrls("spikelm://bert-base"));
        assertTrue(e.getMessage().contains("spikelm://bert-base") && e.getMessage().contains(EmbeddedMiniLm.DJL_URL), e.getMessage());
    }

    @Test
    void embeddedUrlNeedsNoTranslatorFactoryAndSetsIntraOpThreads() throws Exception {
        int before = InferenceThreads.intraOpThreads();
        int wanted = before == 1 ? 2 : 1;
        try (ZooModel<String, float[]> model =
                        Criteria.builder()
                                .setTypes(String.class, float[].class)
                                .optModelUrls(EmbeddedMiniLm.DJL_URL)
                                .optArgument(SpikeLmArguments.INTRA_OP_THREADS, wanted)
                                .build()
                                .loadModel();
                Predictor<String, float[]> predictor = model.newPredictor()) {
            assertEquals(wanted, InferenceThreads.intraOpThreads());
            assertEquals(EmbeddedMiniLm.directory(), model.getModelPath());
            float[] v = predictor.predict("A man is playing a guitar.");
            assertEquals(384, v.length);
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            assertEquals(1.0, norm, 1e-5, "mean pooled and normalised by default");
        } finally {
            InferenceThreads.setIntraOpThreads(before);
        }
        assertEquals(before, InferenceThreads.intraOpThreads());
        assertThrows(IllegalArgumentException.class, () -> InferenceThreads.setIntraOpThreads(0));
    }
}
