package ai.spikelm.examples.cli;

import static ai.spikelm.examples.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EnergyCommandTest {

    @Test
    void bertBaseDefaultsReproduceThePapersAnnFigure() {
        String[] r = run("energy", "--analytic", "--firing-rate", "0.4", "-T", "1");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("MACs per sequence: 11.17 G"), r[1]);
        Matcher ann = Pattern.compile("ANN energy: ([0-9.]+) mJ").matcher(r[1]);
        assertTrue(ann.find(), r[1]);
        assertEquals(51.4, Double.parseDouble(ann.group(1)), 0.1);
        // 0.4 × 1 × 11.17 G × 0.9 pJ = 4.02 mJ
        Matcher snn = Pattern.compile("\\n  1  0\\.4000 +([0-9.]+) +([0-9.]+) ").matcher(r[1]);
        assertTrue(snn.find(), r[1]);
        assertEquals(0.4 * 11.17, Double.parseDouble(snn.group(1)), 0.01);
        assertEquals(0.4 * 11.17 * 0.9, Double.parseDouble(snn.group(2)), 0.01);
    }

    @Test
    void measuredFiringRateIsAroundTheGaussianValue() {
        String[] r = run("energy", "--analytic", "--hidden", "256", "--intermediate", "1024", "--seq-len", "64", "-T", "1");
        assertEquals("0", r[0], r[2]);
        Matcher m = Pattern.compile("\\n  1  (0\\.\\d+)\\*").matcher(r[1]);
        assertTrue(m.find(), r[1]);
        assertEquals(0.4245, Double.parseDouble(m.group(1)), 0.01);
    }

    @Test
    void badOptionsAreRejectedWithAMessage() {
        String[] r = run("energy", "--analytic", "-T", "0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--time-steps must be at least 1"), r[2]);
        r = run("energy", "--analytic", "--firing-rate", "1.5");
        assertTrue(r[2].contains("--firing-rate must be in [0, 1]"), r[2]);
    }
}
