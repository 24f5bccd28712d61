package ai.spikelm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.core.SpikingConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The SpikeLM options as parsed from a command line, without running a model. */
class SpikingOptionsTest {

    @Test
    void siteFiringRatesAreRepeatableAndReachTheSettings() {
        EmbedCommand embed = new EmbedCommand();
        new CommandLine(embed).parseArgs(
                "-T", "2", "--site-firing-rate", "key_states=0.2", "--site-firing-rate", "intermediate=0.35", "text");
        assertTrue(embed.spiking.given());
        SpikingConfig s = embed.spiking.apply(SpikingConfig.ANN);
        assertEquals(2, s.timeSteps());
        assertEquals(Map.of("key_states", 0.2f, "intermediate", 0.35f), s.siteFiringRates());
    }
}
