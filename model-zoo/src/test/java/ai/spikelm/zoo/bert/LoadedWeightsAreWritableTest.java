package ai.spikelm.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.HfWeights;
import ai.spikelm.zoo.core.SpikingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loaded parameters own their memory: the engine adopts a direct buffer as storage, and one that
 * aliased the read-only mapping of the checkpoint would crash the process on the first in-place
 * update (as every optimizer step makes).
 */
class LoadedWeightsAreWritableTest {

    @Test
    void inPlaceUpdatesAfterLoadingLeaveTheFileAlone(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertPreTrainedModel model =
                    new SpikeBertForSequenceClassification(
                            TinyBert.config(SpikingConfig.builder().optTimeSteps(2).build()));
            model.initialize(manager);
            TinyBert.randomize(model, 5);
            SpikeBertLoader.save(model, dir);
            byte[] file = Files.readAllBytes(dir.resolve(SpikeBertLoader.WEIGHTS_FILE));

            SpikeBertPreTrainedModel loaded = SpikeBertLoader.builder().setModelDir(dir).build().load(manager);
            for (var p : HfWeights.parameters(loaded).values()) {
                NDArray array = p.getArray();
                float[] before = array.toFloatArray();
                array.subi(1f);
                float[] after = array.toFloatArray();
                assertEquals(before[0] - 1f, after[0], 1e-5f);
            }
            assertArrayEquals(file, Files.readAllBytes(dir.resolve(SpikeBertLoader.WEIGHTS_FILE)));
        }
    }
}
