package ai.spikelm.zoo.gpt2;

import ai.djl.nn.Block;
import ai.spikelm.ops.nn.SpikingLinear;

/** GPT-2's {@code Conv1D} as a spiking layer: weight {@code [in, out]}, so HF tensors load as they are. */
final class Gpt2Layers {

    private Gpt2Layers() {}

    static SpikingLinear conv1d(long units, Block neuron) {
        return SpikingLinear.builder()
                .setUnits(units)
                .setNeuron(neuron)
                .optWeightLayout(SpikingLinear.WeightLayout.IN_OUT)
                .build();
    }
}
