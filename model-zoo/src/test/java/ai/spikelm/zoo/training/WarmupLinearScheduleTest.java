package ai.spikelm.zoo.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Schedule values at chosen steps, as Hugging Face's lambdas give them. */
class WarmupLinearScheduleTest {

    @Test
    void warmUpThenLinearDecayToZero() {
        // The SpikeLM pre-training schedule scaled down: peak 2e-4, 5 warm-up steps, decay to 15.
        WarmupLinearSchedule s =
                WarmupLinearSchedule.builder().setPeakValue(2e-4f).optWarmupSteps(5).optDecaySteps(15).build();
        assertEquals(0f, s.getNewValue(0), "the first update has learning rate 0, as in Hugging Face");
        assertEquals(0.4e-4f, s.getNewValue(1), 1e-12f);
        assertEquals(1.6e-4f, s.getNewValue(4), 1e-12f);
        assertEquals(2e-4f, s.getNewValue(5), 1e-12f, "peak at the end of warm-up");
        assertEquals(1e-4f, s.getNewValue(10), 1e-12f, "(15 − 10)/(15 − 5) = 1/2");
        assertEquals(0.2e-4f, s.getNewValue(14), 1e-12f);
        assertEquals(0f, s.getNewValue(15));
        assertEquals(0f, s.getNewValue(1000), "stays at the end value");
    }

    @Test
    void decayToAnEndValue() {
        WarmupLinearSchedule s =
                WarmupLinearSchedule.builder().setPeakValue(1f).optDecaySteps(4).optEndValue(0.2f).build();
        assertEquals(1f, s.getNewValue(0));
        assertEquals(0.6f, s.getNewValue(2), 1e-6f);
        assertEquals(0.2f, s.getNewValue(4), 1e-6f);
        assertEquals(0.2f, s.getNewValue(9), 1e-6f);
    }

    @Test
    void constantWithAndWithoutWarmUp() {
        WarmupLinearSchedule glue = WarmupLinearSchedule.constant(2e-5f);
        assertEquals(2e-5f, glue.getNewValue(0));
        assertEquals(2e-5f, glue.getNewValue(123_456));
        WarmupLinearSchedule warm = WarmupLinearSchedule.builder().setPeakValue(1f).optWarmupSteps(4).build();
        assertEquals(0.5f, warm.getNewValue(2));
        assertEquals(1f, warm.getNewValue(4));
        assertEquals(1f, warm.getNewValue(40));
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThrows(IllegalArgumentException.class, () -> WarmupLinearSchedule.builder().build());
        assertThrows(
                IllegalArgumentException.class,
                () -> WarmupLinearSchedule.builder().setPeakValue(1f).optWarmupSteps(5).optDecaySteps(5).build());
        assertThrows(IllegalArgumentException.class, () -> WarmupLinearSchedule.constant(0f));
    }
}
