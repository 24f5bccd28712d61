package ai.spikelm.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.spikelm.ops.kernel.NativeKernels;
import ai.spikelm.ops.stats.SpikeMonitor;
import ai.spikelm.zoo.core.SpikingConfig;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An ANN layer at inference runs as one native call ({@link NativeKernels#encoderLayer}); the
 * same model with a monitor attached runs op by op through the engine (LayerNorm, additions) and
 * the per-product kernels. Both must give the same hidden states, on padded batches, at several
 * sizes: the native path changes only the order of the LayerNorm sums.
 */
class NativeEncoderLayerTest {

    static Stream<SpikingConfig> settings() {
        return Stream.of(
                SpikingConfig.ANN,
                SpikingConfig.builder().build(), // SpikeLM T = 1, every site
                SpikingConfig.builder().optSpikeSites(List.of("query", "key", "value", "intermediate")).build());
    }

    @ParameterizedTest
    @MethodSource("settings")
    void oneNativeCallPerLayerGivesTheOpByOpHiddenStates(SpikingConfig spiking) {
        assumeTrue(NativeKernels.isDenseAvailable(), "no AVX-512 kernels on this machine");
        SpikeBertConfig config = SpikeBertConfig.builder()
                .optVocabSize(60)
                .optHiddenSize(64)
                .optNumHiddenLayers(2)
                .optNumAttentionHeads(4) // head size 16, as the native attention needs
                .optIntermediateSize(96)
                .optMaxPositionEmbeddings(64)
                .optSpiking(spiking)
                .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeBertModel model = new SpikeBertModel(config);
            model.initialize(manager);
            TinyBert.randomize(model, 17);
            if (spiking.isSpiking()) {
                TinyBert.run(model, manager, TinyBert.batch(manager)); // calibrates, op by op
            }
            Random random = new Random(3);
            int compared = 0;
            boolean differed = false;
            for (int[] size : new int[][] {{1, 1}, {1, 16}, {3, 7}, {5, 40}}) {
                int batch = size[0];
                int length = size[1];
                long[][] ids = new long[batch][length];
                long[][] mask = new long[batch][length];
                for (int b = 0; b < batch; b++) {
                    int real = b == batch - 1 ? Math.max(1, length / 2) : length; // the last row padded
                    for (int t = 0; t < length; t++) {
                        ids[b][t] = t < real ? 1 + random.nextInt(59) : 0;
                        mask[b][t] = t < real ? 1 : 0;
                    }
                }
                NDList inputs = new NDList(manager.create(ids), manager.create(mask), manager.zeros(new Shape(batch, length), DataType.INT64));
                float[] fused = TinyBert.run(model, manager, inputs).get(0).toFloatArray();
                float[] opByOp;
                try (SpikeMonitor monitor = SpikeMonitor.attach(model)) {
                    opByOp = TinyBert.run(model, manager, inputs).get(0).toFloatArray();
                }
                assertEquals(opByOp.length, fused.length);
                double worst = 0;
                int off = 0;
                for (int i = 0; i < fused.length; i++) {
                    double diff = Math.abs(fused[i] - opByOp[i]);
                    worst = Math.max(worst, diff);
                    off += diff > 2e-5 ? 1 : 0;
                }
                // Hidden states of LayerNorm outputs are O(1): a few float32 ulps through two layers. A
                // spiking layer may flip a spike whose membrane sits on a threshold (the LayerNorm sums
                // differ in the last bits), which moves a few outputs more.
                int allowed = spiking.isSpiking() ? fused.length / 50 : 0;
                assertTrue(off <= allowed, spiking + ", " + batch + " x " + length + ": " + off + " outputs off by more than 2e-5, largest " + worst);
                compared += fused.length;
                differed |= worst > 0;
            }
            assertEquals(64 * (16 + 21 + 200 + 1), compared);
            assertTrue(differed, "the native path ran: its LayerNorm sums in another order than the engine's");
        }
    }
}
