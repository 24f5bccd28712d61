package ai.spikelm.zoo.gpt2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.Calibration;
import ai.spikelm.zoo.core.EncodedBatch;
import ai.spikelm.zoo.core.SpikingConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SpikeLM-GPT-2 calibrated on a padded batch with {@link Calibration} (the trainer's call): the
 * right padding of a causal batch does not move α.
 */
class Gpt2CalibrationTest {

    /** TinyGpt2's two rows, the second cut to 4 real tokens, padded to {@code width}. */
    private static EncodedBatch batch(int width) {
        int[] lengths = {7, 4};
        long[][] ids = new long[2][width];
        long[][] mask = new long[2][width];
        for (int b = 0; b < 2; b++) {
            for (int l = 0; l < width; l++) {
                boolean real = l < lengths[b];
                ids[b][l] = real ? TinyGpt2.IDS[b][l] : (11 * l + b) % TinyGpt2.VOCAB; // varied padding ids
                mask[b][l] = real ? 1 : 0;
            }
        }
        return new EncodedBatch(ids, mask, new long[2][width]);
    }

    @Test
    void rightPaddingDoesNotChangeAlpha() {
        SpikingConfig spiking = SpikingConfig.builder().optTimeSteps(2).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, float[]> tight = Calibration.calibrate(TinyGpt2.model(manager, spiking, 3), batch(7));
            Map<String, float[]> loose = Calibration.calibrate(TinyGpt2.model(manager, spiking, 3), batch(15));
            assertEquals(2 * 6, tight.size(), "two blocks of six sites");
            tight.forEach((site, alpha) -> assertArrayEquals(alpha, loose.get(site), 1e-6f, site));

            // Read without the mask, the padding would have counted.
            SpikeGpt2LMHeadModel firstBatch = TinyGpt2.model(manager, spiking, 3);
            TinyGpt2.run(firstBatch, manager, firstBatch.inputs(batch(15), manager));
            String site = "transformer.h.1.mlp.c_fc.neuron";
            assertTrue(tight.containsKey(site), tight.keySet().toString());
            float unmasked = ai.spikelm.zoo.core.HfWeights.spikingSites(firstBatch).get(site).getAmplitudes()[0];
            assertTrue(Math.abs(unmasked - loose.get(site)[0]) > 1e-4, "padding was expected to matter");
        }
    }
}
