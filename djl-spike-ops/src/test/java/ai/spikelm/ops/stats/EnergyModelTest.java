package ai.spikelm.ops.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnergyModelTest {

    @Test
    void bertBaseAtSequenceLength128() {
        // 12 layers, hidden 768, FFN 3072 (12 heads do not change the count), L = 128.
        List<TransformerCost.Matmul> layer = TransformerCost.layer(128, 768, 3072);
        assertEquals(226.5e6, layer.get(0).macs(), 0.05e6, "Q/K/V");
        assertEquals(25.2e6, layer.get(1).macs(), 0.05e6, "QKᵀ + PV");
        assertEquals(75.5e6, layer.get(2).macs(), 0.05e6, "attention output");
        assertEquals(604.0e6, layer.get(3).macs(), 0.05e6, "FFN");

        long macs = TransformerCost.encoderMacs(12, 128, 768, 3072);
        assertEquals(11.17e9, macs, 0.005e9);
        assertEquals(51.4e-3, EnergyModel.DEFAULT.macEnergy(macs), 0.1e-3);
    }

    @Test
    void estimateSeparatesAccumulatesFromRealValuedMacs() {
        SpikeMonitor monitor = new SpikeMonitor();
        monitor.site("spiking").recordSynapticOps(1_000, 800);
        monitor.site("real").recordRealValuedMacs(100, 400);
        EnergyModel model =
                EnergyModel.builder().optPicojoulesPerMac(2.0).optPicojoulesPerAccumulate(0.5).build();
        EnergyEstimate estimate = model.estimate(monitor.snapshot());
        assertEquals(1_100, estimate.annMacs());
        assertEquals(800, estimate.synapticOps());
        assertEquals(400, estimate.realValuedMacs());
        assertEquals(1_100 * 2.0e-12, estimate.annJoules(), 1e-18);
        assertEquals(800 * 0.5e-12 + 400 * 2.0e-12, estimate.spikingJoules(), 1e-18);
        assertEquals(estimate.annJoules() / estimate.spikingJoules(), estimate.savingFactor(), 1e-12);
        assertEquals(550, estimate.perSequence(2).annMacs());
        assertThrows(IllegalArgumentException.class, () -> estimate.perSequence(0));
    }

    @Test
    void constantsMustBeFiniteAndNonNegative() {
        assertThrows(IllegalArgumentException.class, () -> EnergyModel.builder().optPicojoulesPerMac(-1));
        assertThrows(
                IllegalArgumentException.class,
                () -> EnergyModel.builder().optPicojoulesPerAccumulate(Double.NaN));
    }
}
